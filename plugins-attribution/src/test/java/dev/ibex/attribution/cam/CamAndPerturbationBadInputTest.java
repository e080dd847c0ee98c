package dev.ibex.attribution.cam;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Target;
import dev.ibex.api.UnknownLayerException;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.spi.BaseCam;
import dev.ibex.api.spi.SeededNoise;
import dev.ibex.attribution.fixtures.ParityFixture;
import dev.ibex.attribution.fixtures.TestModel;
import dev.ibex.attribution.perturbation.Occlusion;
import dev.ibex.attribution.perturbation.Rise;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Bad layers, inputs and options fail with the typed exceptions of dev.ibex.api, naming the
 * problem.
 */
class CamAndPerturbationBadInputTest {
  @AutoClose private static final TestModel cnn = TestModel.smallCnn(16);
  private static final NDManager manager = cnn.manager();
  private static final BlockModel model = cnn.model();
  private static final String layer = cnn.camLayer();

  private static NDArray image() {
    return cnn.images(113, 2);
  }

  /** A CAM of class 0 on {@link #image()} at a layer. */
  private static Attribution camAt(BaseCam cam, String layer) {
    return cam.attribute(
        model, image(), Target.ofClass(0), cam.options().defaults().with("layer", layer));
  }

  @Test
  void unknownLayerListsTheKnownOnes() {
    for (BaseCam cam : List.of(new GradCam(), new ScoreCam(), new LayerCam())) {
      assertThatThrownBy(() -> camAt(cam, "conv9"))
          .isInstanceOf(UnknownLayerException.class)
          .hasMessageContaining("conv9")
          .hasMessageContaining(layer);
    }
  }

  @Test
  void unknownLayerOfATorchScriptModel() {
    try (ParityFixture fixture = new ParityFixture("plain")) {
      TorchScriptModel ts = fixture.model;
      GradCam cam = new GradCam();
      NDArray x = SeededNoise.standardNormal(manager, 114, new Shape(1, 3, 32, 32));
      assertThatThrownBy(
              () ->
                  cam.attribute(
                      ts, x, Target.ofClass(0), cam.options().defaults().with("layer", "conv9")))
          .isInstanceOf(UnknownLayerException.class)
          .hasMessageContaining("to_conv9")
          .hasMessageContaining("known layers: conv3");
    }
  }

  @Test
  void theLayerMustBeGivenAndBeSpatial() {
    GradCam cam = new GradCam();
    assertThatThrownBy(() -> cam.attribute(model, image(), Target.ofClass(0)))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("'layer' must be set");
    String pooled = model.layers().get(5);
    assertThatThrownBy(() -> camAt(cam, pooled))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("(N, C, h, w)");
  }

  @Test
  void wrongRankAndNonFiniteInputs() {
    NDArray nan = image();
    nan.set(new ai.djl.ndarray.index.NDIndex("1, 2, 3, 4"), Float.NaN);
    NDArray rank3 = SeededNoise.standardNormal(manager, 115, new Shape(3, 16, 16));
    for (Attributor a : List.of(new GradCam(), new ScoreCam(), new Rise(), new Occlusion())) {
      Options o = a.options().defaults();
      if (a instanceof BaseCam) {
        o = o.with("layer", layer);
      }
      if (a instanceof Occlusion) {
        o = o.with("window", "4x4");
      }
      Options options = o;
      assertThatThrownBy(() -> a.attribute(model, rank3, Target.ofClass(0), options))
          .as(a.name())
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("rank 4");
      assertThatThrownBy(() -> a.attribute(model, nan, Target.ofClass(0), options))
          .as(a.name())
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("NaN");
      assertThatThrownBy(() -> a.attribute(model, image(), Target.ofClass(7), options))
          .as(a.name())
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("out of range");
    }
  }

  @Test
  void optionsOutOfRange() {
    Options cam = new GradCam().options().defaults();
    assertThatThrownBy(() -> cam.with("normalise", "softmax"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("minmax");
    Options score = new ScoreCam().options().defaults();
    assertThatThrownBy(() -> score.with("internal-batch-size", 0))
        .isInstanceOf(InvalidOptionException.class);
    Options rise = new Rise().options().defaults();
    assertThatThrownBy(() -> rise.with("p", 0.0))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("'p'");
    assertThatThrownBy(() -> rise.with("p", 1.5)).isInstanceOf(InvalidOptionException.class);
    assertThatThrownBy(() -> rise.with("masks", 0)).isInstanceOf(InvalidOptionException.class);
    assertThatThrownBy(() -> rise.with("seed", -1)).isInstanceOf(InvalidOptionException.class);
    Rise r = new Rise();
    assertThatThrownBy(() -> r.attribute(model, image(), Target.ofClass(0), rise.with("cells", 17)))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("cells");
  }

  @Test
  void occlusionWindowsThatDoNotFit() {
    Occlusion occ = new Occlusion();
    Options o = occ.options().defaults();
    assertThatThrownBy(() -> occ.attribute(model, image(), Target.ofClass(0), o))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("'window' must be set");
    for (String[] bad :
        new String[][] {
          {"4x20", "1", "window width 20"},
          {"4x0", "1", "window width 0"},
          {"4x4x4", "1", "window channel 4"},
          {"4xfour", "1", "integers joined by 'x'"},
          {"1x2x3x4", "1", "CxHxW or HxW"},
          {"4x4", "5x1", "stride height 5"},
          {"4x4", "1x2x3x4", "stride"}
        }) {
      assertThatThrownBy(
              () ->
                  occ.attribute(
                      model,
                      image(),
                      Target.ofClass(0),
                      o.with("window", bad[0]).with("stride", bad[1])))
          .as(bad[0] + " / " + bad[1])
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining(bad[2]);
    }
  }

  @Test
  void perturbationOptionsThatCannotGiveAMapAreRefused() {
    assertThatThrownBy(
            () -> new Occlusion().options().defaults().with("baseline", Double.POSITIVE_INFINITY))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("'baseline'");
    Rise rise = new Rise();
    Target cosine = Target.cosineSimilarity(manager.ones(new Shape(2, 3)));
    assertThatThrownBy(
            () ->
                rise.attribute(model, image(), cosine, rise.options().defaults().with("masks", 4)))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("score=target");
  }
}
