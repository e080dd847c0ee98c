package dev.ibex.training.aib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Layout;
import dev.ibex.api.RegularizerTerm;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.training.engine.Classification;
import dev.ibex.training.engine.StepContext;
import dev.ibex.training.fixtures.TermBench;
import dev.ibex.training.fixtures.TestCnn;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AibTest {
  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(11);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private Block wrapped(boolean quantise) {
    Aib aib = new Aib();
    RegularizerTerm term =
        aib.create(aib.options().defaults().with("latent", 16).with("quantise", quantise));
    Block b = term.wrap(TestCnn.create(10, 4));
    b.initialize(manager, DataType.FLOAT32, new Shape(6, 1, 28, 28));
    return b;
  }

  @Test
  void quantisedValuesAreAlwaysTheNearestAnchor() {
    float[] anchors = {0f, 0.13f, 0.5f, 0.51f, 0.9f};
    NDArray a = manager.randomUniform(-0.5f, 1.5f, new Shape(4, 1, 7, 7));
    float[] q = AibModel.nearestAnchor(a, manager.create(anchors)).toFloatArray();
    float[] v = a.toFloatArray();
    for (int i = 0; i < v.length; i++) {
      float best = anchors[0];
      for (float c : anchors) {
        if (Math.abs(v[i] - c) < Math.abs(v[i] - best)) {
          best = c;
        }
      }
      assertThat(q[i]).isEqualTo(best);
    }
  }

  @Test
  void klIsZeroAtTheStandardNormalAndMatchesTheFormula() {
    NDArray mu = manager.zeros(new Shape(3, 5));
    NDArray sigma = manager.ones(new Shape(3, 5));
    assertThat(AibTerm.klToStandardNormal(mu, sigma).getFloat()).isEqualTo(0f);
    NDArray mu2 = manager.create(new float[] {0.5f, -1f}, new Shape(1, 2));
    NDArray s2 = manager.create(new float[] {2f, 0.5f}, new Shape(1, 2));
    double expected =
        0.5 * (0.25 + 4 - 2 * Math.log(2) - 1) + 0.5 * (1 + 0.25 - 2 * Math.log(0.5) - 1);
    assertThat(AibTerm.klToStandardNormal(mu2, s2).toType(DataType.FLOAT64, false).getDouble())
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void straightThroughGradientReachesTheAttentionModuleAndVqReachesTheAnchors() {
    Block model = wrapped(true);
    ParameterStore store = new ParameterStore(manager, false);
    NDArray x = manager.randomUniform(0, 1, new Shape(6, 1, 28, 28));
    NDArray y = manager.create(new long[] {0, 1, 2, 3, 4, 5});
    try (GradientCollector c = manager.getEngine().newGradientCollector()) {
      NDList out = model.forward(store, new NDList(x), true);
      // cross-entropy alone: a_q is piecewise constant, so only the straight-through path carries
      // a gradient
      c.backward(Classification.crossEntropy(out.get(0), y));
    }
    assertThat(TermBench.gradientSum(model, "attentionMean")).isGreaterThan(0);
    assertThat(TermBench.gradientSum(model, "anchors")).as("CE does not move the anchors").isZero();
    for (var p : model.getParameters()) {
      p.getValue().getArray().getGradient().subi(p.getValue().getArray().getGradient());
    }
    Aib aib = new Aib();
    RegularizerTerm term = aib.create(aib.options().defaults().with("latent", 16));
    try (GradientCollector c = manager.getEngine().newGradientCollector()) {
      NDList out = model.forward(store, new NDList(x), true);
      float[] a = out.get(3).toFloatArray();
      float[] aq = out.get(4).toFloatArray();
      float[] anchors = ((AibModel) model).anchors().toFloatArray();
      for (int i = 0; i < aq.length; i++) {
        assertThat(anchors).contains(aq[i]);
        assertThat(Math.abs(a[i] - aq[i])).isLessThanOrEqualTo(1f / 19 / 2 + 1e-6f);
      }
      c.backward(term.loss(new StepContext(x, y, out, model, store)));
    }
    assertThat(TermBench.gradientSum(model, "anchors"))
        .as("vq loss moves the anchors")
        .isGreaterThan(0);
  }

  @Test
  void savedAndLoadedWithTheModel() throws Exception {
    Block model = wrapped(true);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    model.saveParameters(new DataOutputStream(bytes));
    Block other = wrapped(true);
    other.loadParameters(
        manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    ParameterStore store = new ParameterStore(manager, false);
    NDArray x = manager.randomUniform(0, 1, new Shape(2, 1, 28, 28));
    Engine.getInstance().setRandomSeed(5);
    float[] a = model.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
    Engine.getInstance().setRandomSeed(5);
    float[] b = other.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
    assertThat(b).containsExactly(a);
    assertThat(((AibModel) other).anchors().toFloatArray())
        .containsExactly(((AibModel) model).anchors().toFloatArray());
  }

  @Test
  void attributorReturnsTheUpsampledAttentionAndRefusesOtherModels() {
    Block model = wrapped(true);
    NDArray x = manager.randomUniform(0, 1, new Shape(3, 1, 28, 28));
    AibAttention attention = new AibAttention();
    try (BlockModel bm = BlockModel.of(model, manager)) {
      Attribution att = attention.attribute(bm, x, Target.predicted());
      assertThat(att.values().getShape()).isEqualTo(new Shape(3, 28, 28));
      assertThat(att.layout()).isEqualTo(Layout.SPATIAL);
      float[] v = att.values().toFloatArray();
      for (float f : v) {
        assertThat(f).isBetween(0f, 1f);
      }
      // bilinear upsampling of the 14x14 mean: equal to torch's interpolate on the same map
      NDArray small = ((AibModel) model).attentionMean(new ParameterStore(manager, false), x);
      assertThat(small.getShape()).isEqualTo(new Shape(3, 1, 14, 14));
      float[] s = small.toFloatArray();
      // align_corners=false, scale 2: output (0,0) equals input (0,0); output (1,1)
      // = 0.75*in(0,0)+0.25*in(1,1)-mix
      assertThat(v[0]).isCloseTo(s[0], org.assertj.core.data.Offset.offset(1e-6f));
      float expected11 = 0.5625f * s[0] + 0.1875f * s[1] + 0.1875f * s[14] + 0.0625f * s[15];
      assertThat(v[28 + 1]).isCloseTo(expected11, org.assertj.core.data.Offset.offset(1e-6f));
    }
    Block plain = TestCnn.create(10, 4);
    plain.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
    try (BlockModel bm = BlockModel.of(plain, manager)) {
      assertThatThrownBy(() -> attention.attribute(bm, x, Target.predicted()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("aib");
    }
  }
}
