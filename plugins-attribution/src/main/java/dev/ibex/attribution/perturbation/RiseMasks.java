package dev.ibex.attribution.perturbation;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.spi.Bilinear;
import java.util.SplittableRandom;

/**
 * The random masks of RISE (Petsiuk et al., 2018), as the authors' code makes them: a binary grid
 * of {@code cells × cells} cells, each kept with probability {@code p}, upsampled bilinearly to
 * {@code (cells + 1) · ⌈H / cells⌉} (likewise for W) and cropped to H × W at a random offset in
 * {@code [0, cell size)}, so that the soft mask edges fall anywhere. One difference from the
 * authors' masks: their skimage resize reflects at the border, ours clamps (as PyTorch's bilinear
 * interpolation), so the first and last half cell of the upsampled grid differ; each pixel's
 * expected mask value is p either way.
 *
 * <p>Only the grids and offsets are drawn (from the seed, on the CPU, so the masks are the same on
 * every device); the masks themselves are made on demand, a batch at a time, as {@code R_rows ·
 * grid · R_colsᵀ} with the crop folded into the interpolation matrices.
 */
public final class RiseMasks {
  private final int count;
  private final int cells;
  private final int height;
  private final int width;
  private final float[] grids;
  private final int[] offsetY;
  private final int[] offsetX;
  private final float[][] upRows;
  private final float[][] upCols;

  private RiseMasks(long seed, int count, int cells, double p, int height, int width) {
    checkArgument(count > 0 && cells > 0 && p > 0 && p <= 1, "bad RISE mask parameters");
    this.count = count;
    this.cells = cells;
    this.height = height;
    this.width = width;
    int cellH = (height + cells - 1) / cells;
    int cellW = (width + cells - 1) / cells;
    SplittableRandom random = new SplittableRandom(seed);
    grids = new float[count * cells * cells];
    offsetY = new int[count];
    offsetX = new int[count];
    for (int i = 0; i < count; i++) {
      for (int c = 0; c < cells * cells; c++) {
        grids[i * cells * cells + c] = random.nextDouble() < p ? 1f : 0f;
      }
      offsetY[i] = random.nextInt(cellH);
      offsetX[i] = random.nextInt(cellW);
    }
    upRows = toFloat(Bilinear.matrix(cells, (cells + 1) * cellH, false));
    upCols = toFloat(Bilinear.matrix(cells, (cells + 1) * cellW, false));
  }

  /**
   * Draws the grids and offsets of a mask set.
   *
   * @param seed random seed
   * @param count number of masks
   * @param cells grid cells per side
   * @param p probability that a cell is kept (1)
   * @param height mask height
   * @param width mask width
   * @return the mask set
   */
  public static RiseMasks generate(
      long seed, int count, int cells, double p, int height, int width) {
    return new RiseMasks(seed, count, cells, p, height, width);
  }

  /**
   * @return number of masks
   */
  public int count() {
    return count;
  }

  /**
   * Masks {@code from} (inclusive) to {@code to} (exclusive).
   *
   * @param from first mask
   * @param to one past the last mask
   * @param manager where the masks go (their device is the manager's)
   * @return (to − from, H, W) masks with values in [0, 1]
   */
  public NDArray masks(int from, int to, NDManager manager) {
    checkArgument(
        0 <= from && from < to && to <= count, "mask range [%s, %s) of %s", from, to, count);
    int b = to - from;
    float[] rows = new float[b * height * cells];
    float[] colsT = new float[b * cells * width];
    for (int i = 0; i < b; i++) {
      for (int y = 0; y < height; y++) {
        System.arraycopy(upRows[offsetY[from + i] + y], 0, rows, (i * height + y) * cells, cells);
      }
      for (int x = 0; x < width; x++) {
        float[] col = upCols[offsetX[from + i] + x];
        for (int c = 0; c < cells; c++) {
          colsT[(i * cells + c) * width + x] = col[c];
        }
      }
    }
    float[] grid = new float[b * cells * cells];
    System.arraycopy(grids, from * cells * cells, grid, 0, grid.length);
    NDArray r = manager.create(rows, new Shape(b, height, cells));
    NDArray g = manager.create(grid, new Shape(b, cells, cells));
    NDArray c = manager.create(colsT, new Shape(b, cells, width));
    return r.matMul(g).matMul(c);
  }

  /** RISE's masks are float32 grids: its weights are kept in that type. */
  private static float[][] toFloat(double[][] m) {
    float[][] f = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      f[i] = new float[m[i].length];
      for (int j = 0; j < m[i].length; j++) {
        f[i][j] = (float) m[i][j];
      }
    }
    return f;
  }
}
