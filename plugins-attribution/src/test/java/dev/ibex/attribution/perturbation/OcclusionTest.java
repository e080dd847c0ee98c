package dev.ibex.attribution.perturbation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.options.Options;
import dev.ibex.attribution.fixtures.SmallCnns;
import org.junit.jupiter.api.Test;

/** Occlusion on a Java-built block model: geometry, the score-drop bookkeeping and locality. */
class OcclusionTest {
  @Test
  void windowsCoverEveryElementTheLastOneClippedAtTheBorder() {
    // 11 wide, window 4, stride 3: ceil(7/3) + 1 = 4 positions 0, 3, 6, 9 (the last clipped to 2)
    SlidingWindow w = SlidingWindow.parse("4x4", "3", new int[] {2, 11, 11});
    assertThat(w.count()).isEqualTo(1 * 4 * 4);
    assertThat(w.coverage(2)).containsExactly(1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1);
    assertThat(w.coverage(0)).containsExactly(1, 1);
    assertThat(w.indicator(3, 2)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1);
    assertThat(w.indicator(4, 1)).containsExactly(0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0);
  }

  @Test
  void clippedBorderWindowsAsCaptum() {
    // Captum 0.8.0: Occlusion(lambda x: x.sum(dim=(1, 2, 3)).unsqueeze(1)) on ones(1, 1, 1, 11),
    // window (1, 1, 4), strides (1, 1, 3) gives [4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 2]
    try (NDManager manager = NDManager.newBaseManager()) {
      SequentialBlock sum =
          new SequentialBlock()
              .add(
                  new LambdaBlock(
                      l ->
                          new NDList(
                              l.singletonOrThrow().reshape(-1, 11).sum(new int[] {1}, true))));
      sum.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 1, 11));
      try (BlockModel model = BlockModel.of(sum, manager)) {
        Occlusion occlusion = new Occlusion();
        Options o = occlusion.options().defaults().with("window", "1x1x4").with("stride", "1x1x3");
        NDArray a =
            occlusion
                .attribute(model, manager.ones(new Shape(1, 1, 1, 11)), Target.ofClass(0), o)
                .values();
        assertThat(a.toFloatArray()).containsExactly(4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 2);
      }
    }
  }

  @Test
  void onAModelWithoutInteractionsItIsTheDropOfEachPixel() {
    // brightness model on a square: with a 1x1 window over all channels and stride 1, every pixel's
    // attribution is score(x) - score(x with that pixel black)
    int size = 10;
    try (NDManager manager = NDManager.newBaseManager();
        BlockModel model = SmallCnns.brightness(manager, size)) {
      NDArray x = SmallCnns.square(manager, size, 3, 4, 3);
      Occlusion occlusion = new Occlusion();
      Options o =
          occlusion.options().defaults().with("window", "1x1").with("internal-batch-size", 17);
      NDArray attr = occlusion.attribute(model, x, Target.ofClass(0), o).values();
      assertThat(attr.getShape()).isEqualTo(new Shape(1, 3, size, size));
      float base = model.forward(x).getFloat(0, 0);
      for (int[] p : new int[][] {{4, 5}, {3, 4}, {0, 0}, {5, 6}}) {
        NDArray y = x.duplicate();
        y.set(new ai.djl.ndarray.index.NDIndex(":, :, {}, {}", p[0], p[1]), 0f);
        float drop = base - model.forward(y).getFloat(0, 0);
        for (int c = 0; c < 3; c++) {
          assertThat(attr.getFloat(0, c, p[0], p[1])).isCloseTo(drop, within(1e-5f));
        }
      }
      assertThat(attr.get(0, 0, 4, 5).getFloat()).isGreaterThan(0f);
      assertThat(attr.get(0, 0, 0, 0).getFloat()).isEqualTo(0f);
    }
  }

  @Test
  void attributionFollowsTheObject() {
    int size = 24;
    try (NDManager manager = NDManager.newBaseManager();
        BlockModel model = SmallCnns.brightness(manager, size)) {
      Occlusion occlusion = new Occlusion();
      Options o = occlusion.options().defaults().with("window", "3x4x4").with("stride", "2x2");
      for (int[] at : new int[][] {{2, 3}, {15, 16}}) {
        NDArray x = SmallCnns.square(manager, size, at[0], at[1], 5);
        NDArray a =
            occlusion.attribute(model, x, Target.ofClass(1), o).values().get(0).sum(new int[] {0});
        int peak = (int) a.reshape(-1).argMax().getLong();
        assertThat(peak / size).isBetween(at[0], at[0] + 4);
        assertThat(peak % size).isBetween(at[1], at[1] + 4);
      }
    }
  }
}
