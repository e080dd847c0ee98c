package dev.ibex.attribution.batching;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attributor;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.spi.MemoryBudget;
import dev.ibex.attribution.cam.ScoreCam;
import dev.ibex.attribution.fixtures.ParityFixture;
import dev.ibex.attribution.fixtures.RowIndependentNets;
import dev.ibex.attribution.gradient.IntegratedGradients;
import dev.ibex.attribution.ib.MultiModalBottleneck;
import dev.ibex.attribution.ib.NarrowingInformationBottleneck;
import dev.ibex.attribution.perturbation.Occlusion;
import dev.ibex.attribution.perturbation.Rise;
import dev.ibex.attribution.wrapper.SmoothGrad;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The methods that expand the batch give the same attribution for any memory budget and any
 * explicit internal batch size: a budget of 1 MiB (one row per model call), the default, one that
 * holds every row in one call, and fixed sizes of 1, 5 and 64 rows (64 was the fixed size before
 * budgets). Bit for bit on float64 models whose output on a row does not depend on the other rows;
 * on the parity fixtures, whose last layer is a matrix product that BLAS rounds differently for
 * different row counts, the gradient methods are still bit for bit and the methods that score
 * forward passes agree to 1e-12.
 */
class MemoryBudgetInvarianceTest {
  /** The method's attribution under each budget and fixed size, the default first. */
  private static List<NDArray> underEveryBudget(
      Attributor method, ExplainableModel model, NDArray x, Target t, Options o) {
    List<NDArray> out = new ArrayList<>();
    // the first call calibrates the cost of a row on this model
    out.add(method.attribute(model, x, t, o).values());
    out.add(method.attribute(model, x, t, o.with("memory-budget", 1)).values());
    out.add(method.attribute(model, x, t, o.with("memory-budget", 1 << 24)).values());
    for (int rows : new int[] {1, 5, 64}) {
      out.add(method.attribute(model, x, t, o.with("internal-batch-size", rows)).values());
    }
    assertThat(MemoryBudget.calibrations(model)).isNotEmpty();
    return out;
  }

  static Stream<Arguments> cnnMethods() {
    return Stream.of(
        Arguments.of(new IntegratedGradients(), Map.of("steps", 12)),
        Arguments.of(
            new IntegratedGradients(), Map.of("steps", 7, "quadrature", "riemann_trapezoid")),
        Arguments.of(new SmoothGrad(), Map.of("samples", 9, "stdev", 0.2)),
        Arguments.of(
            new SmoothGrad(),
            Map.of(
                "samples",
                5,
                "variant",
                "vargrad",
                "base",
                "integrated-gradients",
                "base-options",
                "steps=6")),
        Arguments.of(new ScoreCam(), Map.of()),
        Arguments.of(new Rise(), Map.of("masks", 70, "cells", 4, "score", "target")),
        Arguments.of(new Occlusion(), Map.of("window", "3x4x4", "stride", "3x2x2")));
  }

  @ParameterizedTest
  @MethodSource("cnnMethods")
  void bitForBitOnARowIndependentCnn(Attributor method, Map<String, Object> given) {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        BlockModel model = RowIndependentNets.cnn(m, 16, 3)) {
      NDArray x = m.randomNormal(new Shape(3, 3, 16, 16)).toType(DataType.FLOAT64, false);
      assertRowIndependent(model, x);
      Options o = method.options().bind(given);
      if (method instanceof ScoreCam) {
        o = o.with("layer", model.layers().get(RowIndependentNets.CNN_CAM_LAYER));
      }
      List<NDArray> all = underEveryBudget(method, model, x, Target.perSample(1, 4, 0), o);
      for (NDArray other : all) {
        assertThat(other.getDataType()).isEqualTo(DataType.FLOAT64);
        assertThat(other.contentEquals(all.get(0)))
            .as(
                "%s %s: relative Linf %.3g",
                method.name(), given, ParityFixture.relativeLinf(other, all.get(0)))
            .isTrue();
      }
    }
  }

  @Test
  void bitForBitForTheBottlenecksOnRowIndependentTokens() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        BlockModel model = RowIndependentNets.tokens(m, 32, 5)) {
      NDArray x = m.randomNormal(new Shape(3, 3, 32, 32)).toType(DataType.FLOAT64, false);
      assertRowIndependent(model, x);
      Target caption =
          Target.cosineSimilarity(m.randomNormal(new Shape(3, 6)).toType(DataType.FLOAT64, false));
      String layer = model.layers().get(RowIndependentNets.TOKEN_LAYER);
      for (Attributor method :
          new Attributor[] {new NarrowingInformationBottleneck(), new MultiModalBottleneck()}) {
        Options o =
            method
                .options()
                .defaults()
                .with("layer", layer)
                .with("class-token", false)
                .with("steps", 4);
        List<NDArray> all = underEveryBudget(method, model, x, caption, o);
        for (NDArray other : all) {
          assertThat(other.contentEquals(all.get(0)))
              .as(
                  "%s: relative Linf %.3g",
                  method.name(), ParityFixture.relativeLinf(other, all.get(0)))
              .isTrue();
        }
      }
    }
  }

  static Stream<Arguments> parityCases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (String dir : new String[] {"plain", "residual-s2"}) {
      b.add(Arguments.of(dir, new IntegratedGradients(), Map.of("steps", 12), 0.0));
      b.add(Arguments.of(dir, new SmoothGrad(), Map.of("samples", 6), 0.0));
      b.add(Arguments.of(dir, new ScoreCam(), Map.of("layer", "conv3"), 1e-12));
      b.add(Arguments.of(dir, new Rise(), Map.of("masks", 50, "cells", 4), 1e-12));
      b.add(
          Arguments.of(dir, new Occlusion(), Map.of("window", "3x8x8", "stride", "3x4x4"), 1e-12));
    }
    return b.build();
  }

  @ParameterizedTest
  @MethodSource("parityCases")
  void onTheParityFixtures(
      String dir, Attributor method, Map<String, Object> given, double tolerance) {
    try (ParityFixture f = new ParityFixture(dir)) {
      List<NDArray> all =
          underEveryBudget(method, f.model, f.x, f.target(), method.options().bind(given));
      for (NDArray other : all) {
        double err = ParityFixture.relativeLinf(other, all.get(0));
        System.out.printf("budgets %s %s: relative Linf %.3g%n", dir, method.name(), err);
        if (tolerance == 0) {
          assertThat(other.contentEquals(all.get(0))).as("%s on %s", method.name(), dir).isTrue();
        } else {
          assertThat(err).as("%s on %s", method.name(), dir).isLessThanOrEqualTo(tolerance);
        }
      }
    }
  }

  /** The premise: the model's output on each row alone equals its row of the batch's output. */
  private static void assertRowIndependent(ExplainableModel model, NDArray x) {
    NDArray batch = model.forward(x);
    List<NDArray> rows = new ArrayList<>();
    for (int i = 0; i < x.getShape().get(0); i++) {
      rows.add(model.forward(x.get(i + ":" + (i + 1))));
    }
    assertThat(NDArrays.concat(new NDList(rows)).contentEquals(batch)).isTrue();
  }
}
