package dev.ibex.training.sib;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.ibex.api.RegularizerTerm;
import dev.ibex.training.autograd.SecondOrder;
import dev.ibex.training.engine.Classification;
import dev.ibex.training.fixtures.TermBench;
import dev.ibex.training.fixtures.TestCnn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The S-IB step must not depend on when the JVM collects garbage. Scalar constants made by DJL's
 * {@code mul(Number)} alias Java direct buffers that a collection frees while autograd still holds
 * them; the input gradient R then came back as exact zeros (first step of the demo, where loading
 * the data set leaves garbage). Here a collection is forced between building a graph and
 * differentiating it, from the first step of a fresh model on.
 */
class SpatialIbGarbageCollectionTest {
  private static final int STEPS = 200;
  private static final Shape INPUT = new Shape(4, 1, 8, 8);

  private TermBench bench;

  @BeforeEach
  void setUp() {
    bench = new TermBench(11, TestCnn.create(3, 4), DataType.FLOAT32, INPUT);
  }

  @AfterEach
  void tearDown() {
    bench.close();
  }

  private static RegularizerTerm term(String form) {
    SpatialIb plugin = new SpatialIb();
    return plugin.create(plugin.options().defaults().with("form", form).with("density-kernel", 3));
  }

  /** A full collection, and time for the reference handler to free the direct buffers it found. */
  private static void collectGarbage() throws InterruptedException {
    System.gc();
    Thread.sleep(5);
  }

  private static double maxAbs(NDArray a) {
    return a.abs().max().toType(DataType.FLOAT64, false).getDouble();
  }

  /**
   * R of the current model at x, in a graph of its own, optionally with a collection before the
   * grad.
   */
  private NDArray inputGradient(NDManager scope, NDArray x, boolean collect)
      throws InterruptedException {
    NDArray leaf = TermBench.leaf(x, scope);
    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
      NDArray p = bench.forward(leaf).singletonOrThrow().softmax(1);
      NDArray half = SpatialIbTerm.halfSquaredNorm(p);
      if (collect) {
        collectGarbage();
      }
      return SecondOrder.inputGradient(half, leaf).stopGradient();
    }
  }

  @Test
  void inputGradientIsNeverExactZerosOverManyTrainingSteps() throws InterruptedException {
    RegularizerTerm term = term("exp");
    Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build();
    int zeros = 0;
    List<Integer> zeroSteps = new ArrayList<>();
    for (int step = 0; step < STEPS; step++) {
      try (NDManager scope = bench.manager.newSubManager()) {
        NDArray x = scope.randomUniform(0, 1, INPUT);
        NDArray y = scope.create(new int[] {0, 1, 2, step % 3});
        if (step == 0) {
          // the very first call in a fresh model, with and without a collection in between
          NDArray plain = inputGradient(scope, x, false);
          NDArray collected = inputGradient(scope, x, true);
          assertThat(maxAbs(plain)).isGreaterThan(0);
          assertThat(maxAbs(collected.sub(plain)))
              .as("R after a collection vs without")
              .isLessThanOrEqualTo(1e-6 * maxAbs(plain));
        }
        NDArray leaf = TermBench.leaf(x, scope);
        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
          NDList out = bench.forward(leaf);
          NDArray half = SpatialIbTerm.halfSquaredNorm(out.singletonOrThrow().softmax(1));
          // every early step (the glitch was first-steps), then every 25th
          if (step < 10 || step % 25 == 0) {
            collectGarbage();
          }
          NDArray r = SecondOrder.inputGradient(half, leaf);
          if (maxAbs(r) == 0) {
            zeros++;
            zeroSteps.add(step);
          }
          SpatialIbTerm sib = (SpatialIbTerm) term;
          NDArray loss =
              Classification.crossEntropy(out.singletonOrThrow(), y)
                  .add(sib.combine(sib.parts(r, leaf)));
          double value = loss.toType(DataType.FLOAT64, false).getDouble();
          assertThat(Double.isFinite(value)).as("loss at step %d: %s", step, value).isTrue();
          if (step % 50 == 0) {
            System.out.printf("step %d loss %.6g max|R| %.3e%n", step, value, maxAbs(r));
          }
          c.backward(loss);
        }
        for (Pair<String, Parameter> p : bench.model.getParameters()) {
          NDArray w = p.getValue().getArray();
          sgd.update(p.getValue().getId(), w, w.getGradient());
        }
        SecondOrder.zeroParameterGradients(bench.model);
      }
    }
    System.out.printf("s-ib: %d steps, %d exact-zero input gradients%n", STEPS, zeros);
    assertThat(zeroSteps).as("steps whose input gradient was exact zeros").isEmpty();
  }

  @Test
  void parameterGradientsDoNotDependOnGarbageCollection() throws InterruptedException {
    for (String form : SpatialIb.FORMS) {
      RegularizerTerm term = term(form);
      try (NDManager scope = bench.manager.newSubManager()) {
        NDArray x = scope.randomUniform(0, 1, INPUT);
        NDArray y = scope.create(new int[] {0, 1, 2, 0});
        List<double[]> quiet = gradients(term, x, y, false);
        List<double[]> collected = gradients(term, x, y, true);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < quiet.size(); i++) {
          for (int j = 0; j < quiet.get(i).length; j++) {
            scale = Math.max(scale, Math.abs(quiet.get(i)[j]));
            worst = Math.max(worst, Math.abs(quiet.get(i)[j] - collected.get(i)[j]));
          }
        }
        assertThat(scale).as("%s: the term reaches the parameters", form).isGreaterThan(0);
        assertThat(worst)
            .as("%s: gradient change when a collection runs before the backward", form)
            .isLessThanOrEqualTo(1e-6 * scale);
      }
    }
  }

  /**
   * Parameter gradients of the S-IB term alone, with or without a collection before the backward.
   */
  private List<double[]> gradients(RegularizerTerm term, NDArray x, NDArray y, boolean collect)
      throws InterruptedException {
    List<double[]> out = new ArrayList<>();
    try (NDManager scope = bench.manager.newSubManager()) {
      NDArray leaf = TermBench.leaf(x, scope);
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray loss = term.loss(bench.step(leaf, y, bench.forward(leaf)));
        if (collect) {
          collectGarbage();
        }
        c.backward(loss);
      }
      for (Pair<String, Parameter> p : bench.model.getParameters()) {
        out.add(
            p.getValue().getArray().getGradient().toType(DataType.FLOAT64, false).toDoubleArray());
      }
      SecondOrder.zeroParameterGradients(bench.model);
    }
    return out;
  }
}
