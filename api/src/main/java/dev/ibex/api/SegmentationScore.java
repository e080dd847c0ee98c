package dev.ibex.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The segmentation score of {@link Target#segmentation}: class {@code K}'s output summed over a
 * spatial mask, {@code score_r = Σ_{h,w} out[r, K, h, w] · mask[h, w]} (pytorch-grad-cam's {@code
 * SemanticSegmentationTarget}), with one mask for every sample or one per sample.
 *
 * <p>The mask is copied to the Java heap when the target is made: the target holds no native
 * memory, may be shared by threads, and each score builds its weights on the output's manager from
 * engine-owned storage, which the autograd graph can keep (see {@link GraphConstants}).
 */
final class SegmentationScore implements ScoreFunction {
  private final int classIndex;
  private final Shape maskShape;
  private final double[] mask;

  /**
   * @param classIndex the class, not negative
   * @param mask (H, W) or (samples, H, W) finite weights
   */
  SegmentationScore(int classIndex, NDArray mask) {
    if (classIndex < 0) {
      throw new InvalidInputException(
          "target class " + classIndex + " is negative; classes are numbered from 0");
    }
    Shape shape = mask.getShape();
    if (shape.dimension() != 2 && shape.dimension() != 3) {
      throw new InvalidInputException("a target mask is (H, W) or (samples, H, W), got " + shape);
    }
    if (shape.size() == 0) {
      throw new InvalidInputException("the target mask " + shape + " is empty");
    }
    double[] values = mask.toType(DataType.FLOAT64, false).toDoubleArray();
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw new InvalidInputException("the target mask " + shape + " holds NaN or infinity");
      }
    }
    this.classIndex = classIndex;
    this.maskShape = shape;
    this.mask = values;
  }

  /** What the target is, for attribution metadata. */
  String describe() {
    return "class "
        + classIndex
        + " summed over "
        + (perSample() ? "per-sample masks " : "a mask ")
        + maskShape;
  }

  private boolean perSample() {
    return maskShape.dimension() == 3;
  }

  @Override
  public NDArray score(NDArray output, int[] sampleOfRow) {
    Shape out = output.getShape();
    if (out.dimension() != 4) {
      throw new InvalidInputException(
          "a segmentation target needs model output of shape (samples, classes, H, W), got " + out);
    }
    if (classIndex >= out.get(1)) {
      throw new InvalidInputException(
          "target class "
              + classIndex
              + " is out of range [0, "
              + (out.get(1) - 1)
              + "] of the model output "
              + out);
    }
    long h = maskShape.get(maskShape.dimension() - 2);
    long w = maskShape.get(maskShape.dimension() - 1);
    if (h != out.get(2) || w != out.get(3)) {
      throw new InvalidInputException(
          "the target mask "
              + maskShape
              + " does not match the model output "
              + out
              + ": the mask must be ("
              + out.get(2)
              + ", "
              + out.get(3)
              + ")"
              + (perSample() ? " per sample" : ""));
    }
    NDArray weights = weights(output, sampleOfRow, h * w);
    return output.get(new NDIndex(":, {}", classIndex)).mul(weights).sum(new int[] {1, 2});
  }

  /** The mask as (H, W), or one (H, W) per row, of the output's type, device and manager. */
  private NDArray weights(NDArray output, int[] sampleOfRow, long pixels) {
    double[] values = mask;
    Shape shape = maskShape;
    if (perSample()) {
      long samples = maskShape.get(0);
      int size = Math.toIntExact(pixels);
      values = new double[sampleOfRow.length * size];
      for (int r = 0; r < sampleOfRow.length; r++) {
        if (sampleOfRow[r] >= samples) {
          throw new InvalidInputException(
              "got " + samples + " target masks, none for sample " + sampleOfRow[r]);
        }
        System.arraycopy(mask, sampleOfRow[r] * size, values, r * size, size);
      }
      shape = new Shape(sampleOfRow.length, maskShape.get(1), maskShape.get(2));
    }
    NDManager m = output.getManager();
    // created from a Java buffer, an array's storage is that buffer; the in-place copy into engine
    // storage makes weights the autograd graph may keep after the buffer is gone
    NDArray weights = m.zeros(shape, output.getDataType(), output.getDevice());
    try (NDArray buffer = m.create(values, shape)) {
      weights.addi(buffer);
    }
    return weights;
  }
}
