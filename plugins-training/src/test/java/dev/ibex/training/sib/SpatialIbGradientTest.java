package dev.ibex.training.sib;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.ibex.api.GraphConstants;
import dev.ibex.api.RegularizerTerm;
import dev.ibex.api.options.Options;
import dev.ibex.training.autograd.SecondOrder;
import dev.ibex.training.fixtures.TermBench;
import dev.ibex.training.fixtures.TestCnn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The parameter gradient of the S-IB term (double backpropagation through R = ∂(½‖p‖²)/∂x) against
 * central finite differences of the term's value, in float64 on a tiny smooth CNN.
 */
class SpatialIbGradientTest {
  private static final Shape INPUT = new Shape(5, 2, 8, 8);

  private TermBench bench;
  private NDArray x;
  private NDArray y;

  @BeforeEach
  void setUp() {
    SequentialBlock smooth =
        new SequentialBlock()
            .add(TestCnn.conv(3))
            .add(Activation::tanh)
            .add(TestCnn.conv(3))
            .add(Activation::softPlus)
            .add(Pool.globalAvgPool2dBlock())
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(4).build());
    bench = new TermBench(3, smooth, DataType.FLOAT64, INPUT);
    x = bench.manager.randomUniform(0, 1, INPUT).toType(DataType.FLOAT64, false);
    y = bench.manager.create(new long[] {0, 1, 2, 3, 0});
  }

  @AfterEach
  void tearDown() {
    bench.close();
  }

  private RegularizerTerm term(String form, double bg, double fg) {
    return term(form, bg, fg, "grad");
  }

  private RegularizerTerm term(String form, double bg, double fg, String vjp) {
    SpatialIb plugin = new SpatialIb();
    Options o =
        plugin
            .options()
            .defaults()
            .with("form", form)
            .with("bg-weight", bg)
            .with("fg-weight", fg)
            .with("density-kernel", 3)
            .with("vjp", vjp);
    return plugin.create(o);
  }

  /** The term's value, and (if asked) its parameter gradients, at the current parameters. */
  private double value(RegularizerTerm term, boolean backward) {
    try (NDManager scope = bench.manager.newSubManager()) {
      NDArray leaf = TermBench.leaf(x, scope);
      double v;
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray loss = term.loss(bench.step(leaf, y, bench.forward(leaf)));
        v = loss.toType(DataType.FLOAT64, false).getDouble();
        if (backward) {
          c.backward(loss);
        }
      }
      if (!backward) {
        SecondOrder.zeroParameterGradients(bench.model);
      }
      return v;
    }
  }

  /** Adds {@code delta} to one element, in place (outside a collector, so allowed on a leaf). */
  private static void addToElement(Parameter p, int index, double delta) {
    NDArray a = p.getArray();
    double[] d = new double[(int) a.size()];
    d[index] = delta;
    try (NDArray step = a.getManager().create(d, a.getShape())) {
      a.addi(step);
    }
  }

  private void checkAgainstFiniteDifferences(String form, double bg, double fg) {
    checkAgainstFiniteDifferences(form, bg, fg, "grad");
  }

  private void checkAgainstFiniteDifferences(String form, double bg, double fg, String vjp) {
    RegularizerTerm term = term(form, bg, fg, vjp);
    value(term, true);
    List<double[]> analytic = new ArrayList<>();
    for (Pair<String, Parameter> p : bench.model.getParameters()) {
      analytic.add(p.getValue().getArray().getGradient().toDoubleArray());
    }
    SecondOrder.zeroParameterGradients(bench.model);
    // float64; small h because the mask has kinks (clip, sort order) that a larger step would cross
    double h = 1e-6;
    double worst = 0;
    int k = 0;
    int checked = 0;
    for (Pair<String, Parameter> p : bench.model.getParameters()) {
      double[] g = analytic.get(k++);
      double[] w0 = p.getValue().getArray().toDoubleArray();
      // every element of small tensors, a spread of elements of larger ones
      int stride = Math.max(1, w0.length / 6);
      for (int i = 0; i < w0.length; i += stride) {
        addToElement(p.getValue(), i, h);
        double plus = value(term, false);
        addToElement(p.getValue(), i, -2 * h);
        double minus = value(term, false);
        addToElement(p.getValue(), i, h);
        double fd = (plus - minus) / (2 * h);
        double scale = Math.max(Math.abs(fd), 1e-3 * maxAbs(g));
        double rel = Math.abs(fd - g[i]) / Math.max(scale, 1e-12);
        worst = Math.max(worst, rel);
        checked++;
        if (rel >= 1e-3) {
          // say whether the value itself is repeatable at these parameters (diagnosis of a
          // rare failure)
          double again = value(term, false);
          assertThat(rel)
              .as(
                  "%s[%d]: analytic %s vs finite difference %s (value %s, re-evaluated %s)",
                  p.getKey(), i, g[i], fd, minus, again)
              .isLessThan(1e-3);
        }
      }
    }
    System.out.printf(
        "s-ib %s (vjp=%s): %d parameter entries, worst relative error %.2e%n",
        form, vjp, checked, worst);
    assertThat(maxAbs(analytic.get(0))).as("the term must reach the first conv").isGreaterThan(0);
  }

  private static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  @Test
  void linearFormGradientMatchesFiniteDifferences() {
    checkAgainstFiniteDifferences("linear", 1e4, 1.0);
  }

  @Test
  void exponentialFormGradientMatchesFiniteDifferences() {
    // weights that keep the value O(100): exp(L_bg) ≈ 1 makes a 1000-weighted value lose digits
    // to cancellation
    checkAgainstFiniteDifferences("exp", 100, 1.0);
  }

  @Test
  void backwardVariantWithLeakRemovalMatchesFiniteDifferences() {
    // without removing the leaked first-order gradients this would be off by ∂(½‖p‖²)/∂θ
    checkAgainstFiniteDifferences("linear", 1e4, 1.0, "backward");
  }

  @Test
  void autogradGradTouchesNoParameter() {
    try (NDManager scope = bench.manager.newSubManager()) {
      NDArray leaf = TermBench.leaf(x, scope);
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray p = bench.forward(leaf).singletonOrThrow().softmax(1);
        NDArray half = p.square().sum().mul(GraphConstants.scalar(p, 0.5));
        NDArray viaGrad = SecondOrder.inputGradient(half, leaf);
        assertThat(totalParameterGradient()).isZero();
        NDArray viaBackward = SecondOrder.inputGradientByBackward(half, leaf, bench.model, true);
        assertThat(viaGrad.sub(viaBackward).abs().max().toType(DataType.FLOAT64, false).getDouble())
            .isLessThan(1e-12);
      }
    }
  }

  @Test
  void innerBackwardLeaksFirstOrderGradientsThatAreRemoved() {
    try (NDManager scope = bench.manager.newSubManager()) {
      NDArray leaf = TermBench.leaf(x, scope);
      double leaked;
      double afterRemoval;
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray p = bench.forward(leaf).singletonOrThrow().softmax(1);
        NDArray half = p.square().sum().mul(GraphConstants.scalar(p, 0.5));
        NDArray r = SecondOrder.inputGradientByBackward(half, leaf, bench.model, false);
        assertThat(r.abs().sum().toType(DataType.FLOAT64, false).getDouble()).isGreaterThan(0);
        leaked = totalParameterGradient();
        SecondOrder.zeroParameterGradients(bench.model);
        afterRemoval = totalParameterGradient();
      }
      assertThat(leaked).as("the create_graph backward fills parameter gradients").isGreaterThan(0);
      assertThat(afterRemoval).isZero();
    }
    SecondOrder.zeroParameterGradients(bench.model);
    // and through the term itself: right after computing R, nothing is left on the parameters
    try (NDManager scope = bench.manager.newSubManager()) {
      NDArray leaf = TermBench.leaf(x, scope);
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray p = bench.forward(leaf).singletonOrThrow().softmax(1);
        SecondOrder.inputGradientByBackward(
            p.square().sum().mul(GraphConstants.scalar(p, 0.5)), leaf, bench.model, true);
        assertThat(totalParameterGradient()).isZero();
      }
    }
  }

  private double totalParameterGradient() {
    return TermBench.gradientSum(bench.model, "");
  }
}
