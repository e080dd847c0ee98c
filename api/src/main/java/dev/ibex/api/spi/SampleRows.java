package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.stream.IntStream;

/**
 * Batched methods push many rows derived from each sample through the model (integration steps,
 * noise draws, path points). These helpers gather such rows and sum them back per sample, where
 * {@code sampleOfRow[r]} names the sample row {@code r} derives from.
 */
public final class SampleRows {
  private SampleRows() {}

  /**
   * @param n number of samples
   * @return {@code [0, 1, …, n-1]}: one row per sample
   */
  public static int[] identity(int n) {
    return IntStream.range(0, n).toArray();
  }

  /**
   * Rows of {@code x} in the given order, on x's device.
   *
   * @param x a batch
   * @param rows row indices, repeats allowed
   * @param manager the manager of the result
   * @return x[rows]
   */
  public static NDArray gather(NDArray x, int[] rows, NDManager manager) {
    NDArray index = manager.create(rows).toDevice(x.getDevice(), false);
    return x.get(manager, new NDIndex("{}", index));
  }

  /**
   * Weighted per-sample sums {@code out[s] = Σ_{r: sampleOfRow[r] = s} weight[r] · values[r]},
   * computed as one matrix product so that it runs on the values' device.
   *
   * @param values (rows, …) values
   * @param sampleOfRow the sample of each row
   * @param weights weight of each row
   * @param samples number of samples
   * @return (samples, …) sums
   */
  public static NDArray weightedSum(
      NDArray values, int[] sampleOfRow, double[] weights, int samples) {
    int rows = sampleOfRow.length;
    // double weights, cast to the values' type: a float64 batch keeps float64 weights
    double[] w = new double[samples * rows];
    for (int r = 0; r < rows; r++) {
      w[sampleOfRow[r] * rows + r] = weights[r];
    }
    Shape shape = values.getShape();
    NDArray m =
        values.getManager().create(w, new Shape(samples, rows)).toDevice(values.getDevice(), false);
    NDArray flat = values.reshape(rows, -1);
    return m.toType(values.getDataType(), false)
        .matMul(flat)
        .reshape(new Shape(samples).addAll(shape.slice(1)));
  }

  /**
   * A (rows, 1, …, 1) column that broadcasts one number per row over a batch of the given rank.
   *
   * @param like an array on the wanted manager and device
   * @param perRow one number per row
   * @param rank the rank of the batch it multiplies
   * @return the column
   */
  public static NDArray column(NDArray like, double[] perRow, int rank) {
    long[] dims = new long[rank];
    java.util.Arrays.fill(dims, 1);
    dims[0] = perRow.length;
    return like.getManager()
        .create(perRow, new Shape(dims))
        .toDevice(like.getDevice(), false)
        .toType(like.getDataType(), false);
  }

  /**
   * Per-sample sum over all non-batch axes.
   *
   * @param values (N, …) values
   * @return (N,) sums as doubles
   */
  public static double[] sumPerSample(NDArray values) {
    return toDoubles(values.reshape(values.getShape().get(0), -1).sum(new int[] {1}));
  }

  /**
   * @param scores (N,) scores
   * @return them as doubles
   */
  public static double[] toDoubles(NDArray scores) {
    // via float64: exact for float32 and float64 scores alike
    return scores.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
  }
}
