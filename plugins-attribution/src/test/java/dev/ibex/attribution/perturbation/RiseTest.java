package dev.ibex.attribution.perturbation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Attribution;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.options.Options;
import dev.ibex.attribution.fixtures.SmallCnns;
import dev.ibex.attribution.fixtures.TestModel;
import org.junit.jupiter.api.Test;

/** RISE: its masks, determinism, batching and where the saliency lands. */
class RiseTest {
  private static final int SIZE = 24;

  @Test
  void masksKeepAFractionPOfTheImageAndAreSoftBinaryGrids() {
    try (NDManager manager = NDManager.newBaseManager()) {
      RiseMasks masks = RiseMasks.generate(3, 2000, 6, 0.3, 32, 40);
      NDArray m = masks.masks(0, 2000, manager);
      assertThat(m.getShape().getShape()).containsExactly(2000, 32, 40);
      assertThat(m.min().getFloat()).isGreaterThanOrEqualTo(0f);
      assertThat(m.max().getFloat()).isLessThanOrEqualTo(1f + 1e-6f);
      assertThat(m.mean().getFloat()).isCloseTo(0.3f, within(0.01f));
      // each pixel is kept with probability p over the mask set
      NDArray perPixel = m.mean(new int[] {0});
      assertThat(perPixel.min().getFloat()).isGreaterThan(0.24f);
      assertThat(perPixel.max().getFloat()).isLessThan(0.36f);
      // a slice equals the same masks made in another batch split
      NDArray part = masks.masks(700, 750, manager);
      assertThat(part.sub(m.get("700:750")).abs().max().getFloat()).isLessThan(1e-6f);
      // the masks are not all alike (random shifts and grids)
      assertThat(m.get(0).sub(m.get(1)).abs().max().getFloat()).isGreaterThan(0.5f);
    }
  }

  @Test
  void aOneCellGridWithNoShiftIsConstant() {
    try (NDManager manager = NDManager.newBaseManager()) {
      // cells=1, p=1: the grid is a single 1, the upsampled mask is 1 everywhere
      NDArray m = RiseMasks.generate(0, 4, 1, 1.0, 8, 8).masks(0, 4, manager);
      assertThat(m.sub(1f).abs().max().getFloat()).isLessThan(1e-6f);
    }
  }

  @Test
  void sameSeedSameResultOtherSeedOtherResultAndBatchingDoesNotMatter() {
    try (TestModel cnn = TestModel.smallCnn(16)) {
      BlockModel model = cnn.model();
      NDArray x = cnn.images(112, 2);
      Rise rise = new Rise();
      Options o = rise.options().defaults().with("masks", 300).with("cells", 4).with("seed", 11);
      NDArray a = rise.attribute(model, x, Target.ofClass(1), o).values();
      NDArray b =
          rise.attribute(model, x, Target.ofClass(1), o.with("internal-batch-size", 7)).values();
      NDArray c = rise.attribute(model, x, Target.ofClass(1), o.with("seed", 12)).values();
      assertThat(a.getShape().getShape()).containsExactly(2, 16, 16);
      assertThat(a.sub(b).abs().max().getFloat()).isLessThan(1e-5f * a.abs().max().getFloat());
      assertThat(a.sub(c).abs().max().getFloat()).isGreaterThan(1e-3f * a.abs().max().getFloat());
    }
  }

  @Test
  void saliencyPeaksOnTheOnlyRegionThatMattersAndFollowsIt() {
    try (NDManager manager = NDManager.newBaseManager();
        BlockModel model = SmallCnns.brightness(manager, SIZE)) {
      Rise rise = new Rise();
      // the brightness model has one output: a softmax over it is constant, so explain its
      // raw score
      Options o =
          rise.options()
              .defaults()
              .with("masks", 500)
              .with("cells", 6)
              .with("p", 0.5)
              .with("score", "target");
      for (int[] at : new int[][] {{3, 4}, {14, 15}}) {
        NDArray x = SmallCnns.square(manager, SIZE, at[0], at[1], 5);
        Attribution r = rise.attribute(model, x, Target.ofClass(0), o);
        NDArray s = r.values().get(0);
        NDArray inside =
            s.get(at[0] + 1 + ":" + (at[0] + 4) + ", " + (at[1] + 1) + ":" + (at[1] + 4));
        float far = (at[0] < 10 ? s.get("18:, 18:") : s.get(":6, :6")).mean().getFloat();
        assertThat(inside.min().getFloat()).as("square at %s,%s", at[0], at[1]).isGreaterThan(far);
        int peak = (int) s.reshape(-1).argMax().getLong();
        assertThat(peak / SIZE).isBetween(at[0], at[0] + 4);
        assertThat(peak % SIZE).isBetween(at[1], at[1] + 4);
        assertThat(r.forwardPassesPerSample()).isEqualTo(501.0);
      }
    }
  }
}
