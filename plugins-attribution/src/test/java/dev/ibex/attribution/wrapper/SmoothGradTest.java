package dev.ibex.attribution.wrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.api.spi.SeededNoise;
import dev.ibex.attribution.fixtures.TestModel;
import dev.ibex.attribution.gradient.IntegratedGradients;
import dev.ibex.attribution.gradient.Saliency;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The noise tunnel: seeding, reduction to its base, the SPI plugin and the variance variant. */
class SmoothGradTest {
  private static final float[] W = {0.5f, -1.0f, 2.0f, 0.25f, -0.75f, 1.5f, 0.1f, -2.0f};

  private NDManager manager;
  private BlockModel linear;
  private final SmoothGrad smoothgrad = new SmoothGrad();

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    // f(x) = W x, bias-free: gradient W everywhere, so the noise statistics are known exactly
    SequentialBlock b =
        new SequentialBlock()
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(2).optBias(false).build());
    b.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 2, 2));
    b.getParameters().get(0).getValue().getArray().set(W);
    linear = BlockModel.of(b, manager);
  }

  @AfterEach
  void tearDown() {
    linear.close();
    manager.close();
  }

  private NDArray input() {
    return manager.create(
        new float[] {0.2f, -0.4f, 1.0f, 0.6f, -1.0f, 0.0f, 0.5f, 0.3f}, new Shape(2, 1, 2, 2));
  }

  @Test
  void sameSeedSameResultOtherSeedOtherResult() {
    try (TestModel tiny = TestModel.tinyCnn(true, 9)) {
      BlockModel cnn = tiny.model();
      NDArray x = tiny.images(104, 2);
      Options o = smoothgrad.options().defaults().with("samples", 6).with("seed", 42);
      NDArray a = smoothgrad.attribute(cnn, x, Target.predicted(), o).values();
      NDArray b = smoothgrad.attribute(cnn, x, Target.predicted(), o).values();
      // chunking changes how rows meet the model, not the noise each row gets
      NDArray c =
          smoothgrad
              .attribute(cnn, x, Target.predicted(), o.with("internal-batch-size", 5))
              .values();
      NDArray d = smoothgrad.attribute(cnn, x, Target.predicted(), o.with("seed", 43)).values();
      assertThat(a.sub(b).abs().max().getFloat()).isEqualTo(0f);
      assertThat(a.sub(c).abs().max().getFloat()).isLessThan(1e-6f);
      assertThat(a.sub(d).abs().max().getFloat()).isGreaterThan(1e-4f);
    }
  }

  @Test
  void oneNoiselessSampleIsTheBaseMethod() {
    try (TestModel tiny = TestModel.tinyCnn(true, 9)) {
      BlockModel cnn = tiny.model();
      NDArray x = tiny.images(105, 3);
      Target t = Target.perSample(0, 1, 2);
      Options o = smoothgrad.options().defaults().with("samples", 1).with("stdev", 0.0);
      NDArray sal = new Saliency().attribute(cnn, x, t).values();
      assertThat(smoothgrad.attribute(cnn, x, t, o).values().sub(sal).abs().max().getFloat())
          .isEqualTo(0f);

      IntegratedGradients ig = new IntegratedGradients();
      Attribution base =
          ig.attribute(
              cnn,
              x,
              t,
              ig.options().defaults().with("steps", 8).with("quadrature", "riemann_middle"));
      Attribution wrapped =
          smoothgrad.attribute(
              cnn,
              x,
              t,
              o.with("base", "integrated-gradients")
                  .with("base-options", "steps=8, quadrature=riemann_middle"));
      assertThat(wrapped.values().sub(base.values()).abs().max().getFloat()).isEqualTo(0f);
      // the base's diagnostics come through, averaged per sample
      assertThat(wrapped.diagnostics().get("completeness-gap"))
          .containsExactly(base.diagnostics().get("completeness-gap"));
      // the plugin composes exactly like the Java class
      NoiseTunnel tunnel =
          new NoiseTunnel(
              ig, ig.options().defaults().with("steps", 8).with("quadrature", "riemann_middle"));
      NDArray java =
          tunnel
              .attribute(
                  cnn, x, t, tunnel.options().defaults().with("samples", 1).with("stdev", 0.0))
              .values();
      assertThat(java.sub(base.values()).abs().max().getFloat()).isEqualTo(0f);
    }
  }

  /** On a TorchScript model, batched: the noise tunnel around IG with one noiseless draw is IG. */
  @Test
  void worksOnTorchScript() throws Exception {
    java.nio.file.Path tmp = java.nio.file.Files.createTempFile("ibex-sg", ".pt");
    try (java.io.InputStream in =
        SmoothGradTest.class.getResourceAsStream("/parity/plain/model.pt")) {
      java.nio.file.Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    try (dev.ibex.api.model.TorchScriptModel ts =
            dev.ibex.api.model.TorchScriptModel.load(tmp, Device.cpu(), java.util.List.of());
        NDManager m = ts.manager().newSubManager()) {
      // the parity models are float64 (see the fixtures' README.txt): the noise tunnel keeps
      // that dtype
      NDArray x =
          SeededNoise.standardNormal(m, 106, new Shape(3, 3, 32, 32))
              .toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
      IntegratedGradients ig = new IntegratedGradients();
      NDArray base =
          ig.attribute(ts, x, Target.predicted(), ig.options().defaults().with("steps", 8))
              .values();
      NDArray wrapped =
          smoothgrad
              .attribute(
                  ts,
                  x,
                  Target.predicted(),
                  smoothgrad
                      .options()
                      .defaults()
                      .with("samples", 1)
                      .with("stdev", 0.0)
                      .with("base", "integrated-gradients")
                      .with("base-options", "steps=8"))
              .values();
      assertThat(wrapped.sub(base).abs().max().getDouble()).isEqualTo(0.0);
      Attribution noisy =
          smoothgrad.attribute(
              ts,
              x,
              Target.predicted(),
              smoothgrad.options().defaults().with("samples", 10).with("internal-batch-size", 16));
      assertThat(noisy.forwardPassesPerSample()).isEqualTo(11.0);
      assertThat(noisy.values().getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT64);
    } finally {
      java.nio.file.Files.deleteIfExists(tmp);
    }
  }

  /** On f(x) = Wx: SmoothGrad of the gradient is W; VarGrad of input × gradient is σ²W². */
  @Test
  void noiseStatisticsOnALinearModel() {
    NDArray x = input();
    Options o =
        smoothgrad
            .options()
            .defaults()
            .with("samples", 4000)
            .with("stdev", 0.5)
            .with("internal-batch-size", 1000);
    NDArray grad =
        smoothgrad
            .attribute(linear, x, Target.ofClass(1), o.with("base-options", "abs=false"))
            .values();
    float[] g = grad.toFloatArray();
    for (int i = 0; i < 8; i++) {
      assertThat(g[i]).isCloseTo(W[4 + i % 4], org.assertj.core.data.Offset.offset(1e-4f));
    }
    // sample ranges: 1.0 - (-0.4) = 1.4 and 0.5 - (-1.0) = 1.5, so sigma = 0.7 and 0.75
    Attribution var =
        smoothgrad.attribute(
            linear,
            x,
            Target.ofClass(1),
            o.with("base", "input-x-gradient").with("variant", "vargrad"));
    Attribution sq =
        smoothgrad.attribute(
            linear,
            x,
            Target.ofClass(1),
            o.with("base", "input-x-gradient").with("variant", "smoothgrad-sq"));
    Attribution mean =
        smoothgrad.attribute(linear, x, Target.ofClass(1), o.with("base", "input-x-gradient"));
    float[] v = var.values().toFloatArray();
    float[] xs = x.toFloatArray();
    float[] s2 = sq.values().toFloatArray();
    float[] mu = mean.values().toFloatArray();
    for (int i = 0; i < 8; i++) {
      double sigma = i < 4 ? 0.7 : 0.75;
      double w = W[4 + i % 4];
      double expectedVar = sigma * sigma * w * w;
      assertThat((double) v[i])
          .as("vargrad %d", i)
          .isCloseTo(expectedVar, org.assertj.core.data.Offset.offset(0.1 * expectedVar));
      assertThat((double) mu[i])
          .as("smoothgrad %d", i)
          .isCloseTo(
              xs[i] * w,
              org.assertj.core.data.Offset.offset(4 * sigma * Math.abs(w) / Math.sqrt(4000)));
      assertThat((double) v[i])
          .isCloseTo(s2[i] - (double) mu[i] * mu[i], org.assertj.core.data.Offset.offset(1e-4));
    }
    // passes: one forward to resolve the target on the clean input, then the base's, samples times
    assertThat(mean.forwardPassesPerSample()).isEqualTo(4001.0);
    assertThat(mean.backwardPassesPerSample()).isEqualTo(4000.0);
  }

  @Test
  void isDiscoveredAndFindsItsBaseThroughTheRegistry() {
    Plugins plugins = Plugins.discover(SmoothGradTest.class.getClassLoader());
    assertThat(plugins.problems()).isEmpty();
    Attributor a = plugins.attributor("smoothgrad");
    assertThat(a).isInstanceOf(SmoothGrad.class);
    for (String name :
        new String[] {
          "saliency",
          "input-x-gradient",
          "integrated-gradients",
          "guided-backprop",
          "fast-ig",
          "mfaba"
        }) {
      assertThat(plugins.attributor(name)).isNotNull();
    }
    NDArray x = input();
    Options o = a.options().defaults().with("samples", 3).with("base", "fast-ig");
    assertThat(a.attribute(linear, x, Target.ofClass(0), o).values().getShape())
        .isEqualTo(x.getShape());
  }

  @Test
  void badOptionsAndInputsFailTyped() {
    NDArray x = input();
    Options d = smoothgrad.options().defaults().with("samples", 2);
    Target t = Target.ofClass(0);
    assertThatThrownBy(() -> smoothgrad.attribute(linear, x, t, d.with("base", "no-such-method")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("base")
        .hasMessageContaining("saliency");
    assertThatThrownBy(() -> smoothgrad.attribute(linear, x, t, d.with("base", "smoothgrad")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("itself");
    assertThatThrownBy(() -> smoothgrad.attribute(linear, x, t, d.with("base-options", "abs")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("key=value");
    assertThatThrownBy(() -> smoothgrad.attribute(linear, x, t, d.with("base-options", "steps=8")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("steps");
    assertThatThrownBy(
            () -> smoothgrad.attribute(linear, x, t, d.with("base-options", "abs=maybe")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("abs");
    assertThatThrownBy(() -> d.with("variant", "meangrad"))
        .isInstanceOf(InvalidOptionException.class);
    assertThatThrownBy(() -> d.with("stdev", -0.1)).isInstanceOf(InvalidOptionException.class);
    NDArray nan = x.duplicate();
    nan.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0, 0"), Float.NaN);
    assertThatThrownBy(() -> smoothgrad.attribute(linear, nan, t, d))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> smoothgrad.attribute(linear, x.reshape(8), t, d))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> smoothgrad.attribute(linear, x, Target.ofClass(2), d))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("out of range");
  }
}
