package dev.ibex.attribution.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.spi.BaseCam;
import dev.ibex.api.spi.SeededNoise;
import dev.ibex.attribution.fixtures.TinyNets;
import dev.ibex.attribution.fixtures.TokenFixture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Token layouts in every CAM. A CNN re-arranges its (N, 6, 8, 12) activation into a token or
 * channels-last layout and straight back: the CAM at the re-arranged layer, told its layout, must
 * be the CAM at the layer before it, element for element, for every method; and activations that do
 * not fit the layout are typed errors naming shape and layout.
 */
class TokenLayoutCamTest {
  private static final int HEIGHT = 16; // the input; the CAM layer is 8 × 12
  private static final int WIDTH = 24;
  private static final int GRID_H = 8;
  private static final int GRID_W = 12;
  private static final int RELU = 4; // the (N, C, h, w) layer
  private static final int LAYOUT = 5; // the same activation re-arranged

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /**
   * conv(3→4) · ReLU · maxpool 2 · conv(4→6) · ReLU · {@code to} · {@code back} · global average
   * pool · linear(6→3), seeded.
   */
  private BlockModel net(Function<NDArray, NDArray> to, Function<NDArray, NDArray> back) {
    SequentialBlock b =
        new SequentialBlock()
            .add(conv(4))
            .add(Activation.reluBlock())
            .add(Pool.maxPool2dBlock(new Shape(2, 2)))
            .add(conv(6))
            .add(Activation.reluBlock())
            .add(LambdaBlock.singleton(to, "layout"))
            .add(LambdaBlock.singleton(back, "grid"))
            .add(Pool.globalAvgPool2dBlock())
            .add(Linear.builder().setUnits(3).build());
    TinyNets.init(b, manager, new Shape(1, 3, HEIGHT, WIDTH), 31);
    return BlockModel.of(b, manager);
  }

  private static Conv2d conv(int filters) {
    return Conv2d.builder()
        .setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1))
        .setFilters(filters)
        .build();
  }

  /** (N, C, h, w) → (N, P + h·w, C), the prefix tokens the patch mean (ignored downstream). */
  private static Function<NDArray, NDArray> toTokens(int prefix) {
    return x -> {
      Shape s = x.getShape();
      NDArray t = x.reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1);
      return prefix == 0
          ? t
          : NDArrays.concat(new NDList(t.mean(new int[] {1}, true).repeat(1, prefix), t), 1);
    };
  }

  /** (N, P + h·w, C) → (N, C, h, w), dropping the prefix tokens. */
  private static Function<NDArray, NDArray> fromTokens(int prefix) {
    return t -> {
      Shape s = t.getShape();
      return t.get(":, " + prefix + ":, :")
          .transpose(0, 2, 1)
          .reshape(s.get(0), s.get(2), GRID_H, GRID_W);
    };
  }

  private NDArray images() {
    return SeededNoise.standardNormal(manager, 123, new Shape(3, 3, HEIGHT, WIDTH));
  }

  private static Options at(BaseCam cam, int layer, BlockModel model, String... keyValues) {
    Options o = cam.options().defaults().with("layer", model.layers().get(layer));
    for (int i = 0; i < keyValues.length; i += 2) {
      o = o.withText(keyValues[i], keyValues[i + 1]);
    }
    return o;
  }

  private void sameMapAtBothLayers(BlockModel model, String method, String... layout) {
    BaseCam cam = CamOnBlockModelTest.cam(method);
    NDArray x = images();
    Target t = Target.perSample(0, 2, 1);
    for (boolean upsample : new boolean[] {false, true}) {
      String up = String.valueOf(upsample);
      Attribution grid = cam.attribute(model, x, t, at(cam, RELU, model, "upsample", up));
      String[] options = new String[layout.length + 2];
      System.arraycopy(layout, 0, options, 0, layout.length);
      options[layout.length] = "upsample";
      options[layout.length + 1] = up;
      Attribution tokens = cam.attribute(model, x, t, at(cam, LAYOUT, model, options));
      assertThat(grid.values().max().getFloat()).as("%s is not trivial", method).isPositive();
      assertThat(tokens.values().getShape()).isEqualTo(grid.values().getShape());
      assertThat(tokens.values().sub(grid.values()).abs().max().getFloat())
          .as("%s with %s, upsample=%s", method, String.join(" ", layout), up)
          .isLessThan(1e-5f);
      // Score-CAM masks with the 6 channels, not with the tokens
      assertThat(tokens.forwardPassesPerSample())
          .isEqualTo(method.equals("score-cam") ? 1 + 6 : 1.0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"grad-cam", "grad-cam-plus-plus", "layer-cam", "x-grad-cam", "score-cam"})
  void tokensWithPrefixOnARectangularGrid(String method) {
    try (BlockModel model = net(toTokens(2), fromTokens(2))) {
      sameMapAtBothLayers(
          model, method, "token-layout", "tokens", "prefix-tokens", "2", "token-grid", "8x12");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"grad-cam", "grad-cam-plus-plus", "layer-cam", "x-grad-cam", "score-cam"})
  void channelsLast(String method) {
    try (BlockModel model = net(x -> x.transpose(0, 2, 3, 1), x -> x.transpose(0, 3, 1, 2))) {
      sameMapAtBothLayers(model, method, "token-layout", "nhwc");
    }
  }

  @Test
  void tokensThatDoNotFitAreTypedErrorsNamingShapeAndLayout() {
    GradCam cam = new GradCam();
    NDArray x = images();
    Target t = Target.ofClass(0);
    try (BlockModel model = net(toTokens(2), fromTokens(2))) {
      String layer = model.layers().get(LAYOUT);
      assertThatThrownBy(() -> cam.attribute(model, x, t, at(cam, LAYOUT, model)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("layer '" + layer + "' gives activations of shape (3, 98, 6)")
          .hasMessageContaining("token-layout=nchw needs (N, C, h, w)")
          .hasMessageContaining("token-layout=tokens takes (N, tokens, C)");
      assertThatThrownBy(
              () -> cam.attribute(model, x, t, at(cam, LAYOUT, model, "token-layout", "tokens")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(
              "98 tokens minus 1 prefix token = 97 is not a square grid; give token-grid=HxW");
      assertThatThrownBy(
              () ->
                  cam.attribute(
                      model,
                      x,
                      t,
                      at(cam, LAYOUT, model, "token-layout", "tokens", "token-grid", "12x8")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("= 97, but token-grid=12x8 holds 96");
      assertThatThrownBy(
              () -> cam.attribute(model, x, t, at(cam, RELU, model, "token-layout", "tokens")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("(3, 6, 8, 12); token-layout=tokens needs (N, tokens, C)");
      assertThatThrownBy(
              () -> cam.attribute(model, x, t, at(cam, LAYOUT, model, "token-layout", "nhwc")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("(3, 98, 6); token-layout=nhwc needs (N, h, w, C)");
      assertThatThrownBy(
              () -> cam.attribute(model, x, t, at(cam, RELU, model, "token-grid", "8x12")))
          .isInstanceOf(InvalidOptionException.class)
          .hasMessage("option 'token-grid' is for token-layout=tokens; token-layout is nchw");
      assertThatThrownBy(() -> at(cam, LAYOUT, model, "token-grid", "8*12"))
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("option 'token-grid' must be text HxW");
    }
  }

  @Test
  void theVitTellsWhatItsTokensAre() {
    try (TokenFixture vit = TokenFixture.of("vit")) {
      GradCam cam = new GradCam();
      Options at = cam.options().defaults().with("layer", vit.layer);
      assertThatThrownBy(() -> cam.attribute(vit.model, vit.x, vit.target, at))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("gives activations of shape (4, 65, 32); token-layout=nchw needs");
      Options noPrefix = at.with("token-layout", "tokens").with("prefix-tokens", 0);
      assertThatThrownBy(() -> cam.attribute(vit.model, vit.x, vit.target, noPrefix))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("65 tokens minus 0 prefix tokens = 65 is not a square grid");
      // a 4 × 16 grid of the 64 patches is a legal (if meaningless) layout
      Attribution wide =
          cam.attribute(
              vit.model,
              vit.x,
              vit.target,
              at.with("token-layout", "tokens").with("token-grid", "4x16").with("upsample", false));
      assertThat(wide.values().getShape()).isEqualTo(new Shape(4, 4, 16));
    }
  }
}
