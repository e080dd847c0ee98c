package dev.ibex.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The layouts element by element against pytorch-grad-cam's reshape transforms, written out as
 * index arithmetic: {@code vit_reshape_transform} is {@code out[n, c, i, j] = a[n, P + i·w + j,
 * c]}, a channels-last permutation {@code out[n, c, i, j] = a[n, i, j, c]}.
 */
class TokenLayoutTest {
  private static final OptionSchema SCHEMA =
      OptionSchema.of(
          StandardOptions.TOKEN_LAYOUT, StandardOptions.PREFIX_TOKENS, StandardOptions.TOKEN_GRID);

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static TokenLayout layout(String... keyValues) {
    Options o = SCHEMA.defaults();
    for (int i = 0; i < keyValues.length; i += 2) {
      o = o.withText(keyValues[i], keyValues[i + 1]);
    }
    return TokenLayout.of(o);
  }

  /** 0, 1, 2, … in the given shape, so every element says where it came from. */
  private NDArray counting(long... shape) {
    Shape s = new Shape(shape);
    return manager.arange(0f, (float) s.size(), 1f, DataType.FLOAT32).reshape(s);
  }

  @Test
  void tokensDropThePrefixAndLayTheRestRowMajorChannelsFirst() {
    int n = 2;
    int c = 4;
    int h = 2;
    int w = 3;
    for (int prefix : new int[] {0, 1, 2}) {
      NDArray a = counting(n, prefix + h * w, c);
      NDArray grid =
          layout("token-layout", "tokens", "prefix-tokens", "" + prefix, "token-grid", "2x3")
              .toGrid(a, "blocks.3");
      assertThat(grid.getShape()).isEqualTo(new Shape(n, c, h, w));
      float[] in = a.toFloatArray();
      float[] out = grid.toFloatArray();
      int t = prefix + h * w;
      for (int s = 0; s < n; s++) {
        for (int ch = 0; ch < c; ch++) {
          for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
              assertThat(out[((s * c + ch) * h + i) * w + j])
                  .as("prefix %d at (%d, %d, %d, %d)", prefix, s, ch, i, j)
                  .isEqualTo(in[(s * t + prefix + i * w + j) * c + ch]);
            }
          }
        }
      }
    }
  }

  @Test
  void theGridIsSquareByDefault() {
    NDArray a = counting(1, 1 + 16, 3);
    NDArray square = layout("token-layout", "tokens").toGrid(a, "l");
    NDArray given = layout("token-layout", "tokens", "token-grid", "4x4").toGrid(a, "l");
    assertThat(square.getShape()).isEqualTo(new Shape(1, 3, 4, 4));
    assertThat(square.contentEquals(given)).isTrue();
  }

  @Test
  void channelsLastIsPermutedChannelsFirst() {
    NDArray a = counting(2, 3, 5, 4); // (N, h, w, C)
    NDArray grid = layout("token-layout", "nhwc").toGrid(a, "features");
    assertThat(grid.getShape()).isEqualTo(new Shape(2, 4, 3, 5));
    float[] in = a.toFloatArray();
    float[] out = grid.toFloatArray();
    for (int s = 0; s < 2; s++) {
      for (int ch = 0; ch < 4; ch++) {
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 5; j++) {
            assertThat(out[((s * 4 + ch) * 3 + i) * 5 + j])
                .isEqualTo(in[((s * 3 + i) * 5 + j) * 4 + ch]);
          }
        }
      }
    }
  }

  @Test
  void nchwIsTheDefaultAndLeavesTheCaptureAsItIs() {
    NDArray a = counting(1, 2, 3, 3);
    LayerCapture capture = new LayerCapture(a, a.mul(2), a.sum(new int[] {1, 2, 3}));
    assertThat(layout().toGrid(capture, "conv3")).isSameAs(capture);
    // a schema without the layout options (a CAM with options of its own) means nchw too
    TokenLayout none =
        TokenLayout.of(OptionSchema.of(OptionSpec.bool("upsample", true, "x")).defaults());
    assertThat(none.toGrid(a, "conv3")).isSameAs(a);
  }

  @Test
  void activationAndGradientMoveTogetherAndScoresStay() {
    NDArray a = counting(2, 1 + 4, 3);
    NDArray g = a.neg();
    NDArray scores = manager.create(new float[] {1, 2});
    LayerCapture grid =
        layout("token-layout", "tokens").toGrid(new LayerCapture(a, g, scores), "l");
    assertThat(grid.gradient().neg().contentEquals(grid.activation())).isTrue();
    assertThat(grid.scores()).isSameAs(scores);
    LayerCapture noGradient =
        layout("token-layout", "tokens").toGrid(new LayerCapture(a, null, scores), "l");
    assertThat(noGradient.gradient()).isNull();
    assertThat(noGradient.activation().getShape()).isEqualTo(new Shape(2, 3, 2, 2));
  }

  @Test
  void activationsThatDoNotFitNameShapeLayoutAndWhatWasExpected() {
    assertThatThrownBy(() -> layout().toGrid(counting(2, 17, 8), "blocks.3"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "layer 'blocks.3' gives activations of shape (2, 17, 8); token-layout=nchw needs"
                + " (N, C, h, w); token-layout=tokens takes (N, tokens, C), nhwc takes (N, h, w,"
                + " C)");
    assertThatThrownBy(() -> layout("token-layout", "tokens").toGrid(counting(2, 8, 4, 4), "c"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "layer 'c' gives activations of shape (2, 8, 4, 4); token-layout=tokens needs (N,"
                + " tokens, C)");
    assertThatThrownBy(() -> layout("token-layout", "nhwc").toGrid(counting(2, 17, 8), "s"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "layer 's' gives activations of shape (2, 17, 8); token-layout=nhwc needs (N, h, w,"
                + " C)");
    assertThatThrownBy(() -> layout("token-layout", "tokens").toGrid(counting(1, 198, 2), "v"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "layer 'v' gives activations of shape (1, 198, 2): 198 tokens minus 1 prefix token"
                + " = 197 is not a square grid; give token-grid=HxW (or prefix-tokens)");
    assertThatThrownBy(
            () ->
                layout("token-layout", "tokens", "prefix-tokens", "0", "token-grid", "4x5")
                    .toGrid(counting(1, 16, 2), "v"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "layer 'v' gives activations of shape (1, 16, 2): 16 tokens minus 0 prefix tokens"
                + " = 16, but token-grid=4x5 holds 20");
    assertThatThrownBy(
            () ->
                layout("token-layout", "tokens", "prefix-tokens", "3")
                    .toGrid(counting(1, 3, 2), "v"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "layer 'v' gives activations of shape (1, 3, 2): 3 tokens minus 3 prefix tokens"
                + " leave no patch token");
  }

  @Test
  void badLayoutOptionsAreOptionErrors() {
    assertThatThrownBy(() -> layout("token-grid", "8by8"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage(
            "option 'token-grid' must be text HxW with positive sizes, e.g. 14x14, got '8by8'");
    assertThatThrownBy(() -> layout("token-layout", "tokens", "token-grid", "0x4"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("positive sizes");
    assertThatThrownBy(() -> SCHEMA.defaults().with("token-grid", 14))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("got '14'");
    assertThatThrownBy(() -> layout("token-layout", "nhwc", "token-grid", "7x7"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("option 'token-grid' is for token-layout=tokens; token-layout is nhwc");
    assertThatThrownBy(() -> layout("token-layout", "nlc"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("must be one of [nchw, tokens, nhwc]");
    assertThatThrownBy(() -> layout("prefix-tokens", "-1"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("out of range");
    // spaces and a capital X are the same grid
    assertThat(SCHEMA.defaults().withText("token-grid", " 14 X 16 ").get("token-grid"))
        .contains("14x16");
  }
}
