package dev.ibex.metrics;

import dev.ibex.api.model.BlockModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The base of the tests on the linear classifier whose class-0 logit is the sum over the region R,
 * the top-left 2x2 block (pixels 0, 1, 4, 5): {@code z0 = Σ_{p∈R} x_p}, {@code z1 = 0}.
 */
abstract class RegionModelFixture extends ManagerFixture {
  static final float[] R = LocalisationMetricsTest.MASK;
  static BlockModel model;

  @BeforeAll
  static void openModel() {
    model = TestModels.weightedSum(manager, R);
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }
}
