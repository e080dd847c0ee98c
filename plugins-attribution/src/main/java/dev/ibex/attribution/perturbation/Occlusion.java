package dev.ibex.attribution.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Chunks;
import dev.ibex.api.spi.MemoryBudget;
import dev.ibex.api.spi.SampleRows;

/**
 * Occlusion (Zeiler and Fergus, 2014) with Captum's semantics: a box slides over the (C, H, W)
 * input; for each position the box is set to the baseline and the drop of the target score, {@code
 * score(x) − score(x occluded)}, is credited to every element under the box; an element's
 * attribution is the mean over the positions that cover it. 1 + (number of positions) forward
 * passes per sample, the occluded inputs going through the model in chunks ({@code
 * internal-batch-size} when given, else as many as {@code memory-budget} allows); the credited
 * drops are summed in fixed blocks of positions, so the chunk size does not change the result.
 * Output: (N, C, H, W).
 */
@AutoService(Attributor.class)
public final class Occlusion extends AbstractAttributor {
  // positions per block of the credited sum
  private static final int SUM_BLOCK = 32;
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.text(
              "window", null, "occluding box, CxHxW or HxW (all channels), e.g. 3x8x8 (required)"),
          OptionSpec.text(
              "stride",
              "1",
              "box step, CxHxW, HxW (channel step = box depth) or one integer for all axes"),
          StandardOptions.BASELINE.withDoc(
              "value the occluded elements are set to: zeros or a constant"),
          StandardOptions.INTERNAL_BATCH_SIZE
              .withDefault(null)
              .withDoc(
                  "occluded inputs per model call; when not given, as many as memory-budget"
                      + " allows"),
          StandardOptions.MEMORY_BUDGET);

  public Occlusion() {
    super(
        "occlusion",
        "Mean score drop when a sliding box over the input is set to a baseline (Zeiler & Fergus 2014)",
        OPTIONS);
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    Shape in = ctx.input().getShape();
    int n = (int) in.get(0);
    int[] dims = {(int) in.get(1), (int) in.get(2), (int) in.get(3)};
    SlidingWindow window =
        SlidingWindow.parse(
            ctx.options().getString("window"), ctx.options().getString("stride"), dims);
    double baseline = constantBaseline(ctx.options().get("baseline").orElseThrow());
    NDArray x = ctx.input();
    NDArray out0 = ctx.model().forward(x);
    ResolvedTarget target = ctx.resolveWith(out0);
    NDArray base = target.score(out0);
    int positions = window.count();
    double[][] drops = new double[n][positions];
    // rows are (sample, position) pairs, sample-major, cut into model calls
    Chunks.forEachSampleMajor(
        n,
        positions,
        MemoryBudget.of(
            ctx,
            name() + " occluded inputs",
            x,
            (rows, m) -> {
              int[] first = new int[rows]; // copies of the first sample
              target.score(ctx.model().forward(SampleRows.gather(x, first, m)), first);
            }),
        ctx.scratch(),
        (r0, r1, sampleOfRow, chunk) -> {
          NDArray masks =
              masks(window, r0, r1, positions, dims, chunk).toType(x.getDataType(), false);
          NDArray images = SampleRows.gather(x, sampleOfRow, chunk);
          NDArray occluded = images.sub(masks.mul(images.sub(baseline)));
          NDArray scores = target.score(ctx.model().forward(occluded), sampleOfRow);
          double[] drop =
              SampleRows.toDoubles(SampleRows.gather(base, sampleOfRow, chunk).sub(scores));
          for (int r = r0; r < r1; r++) {
            drops[r / positions][r % positions] = drop[r - r0];
          }
        });
    // Σ_p drop_p · box_p over fixed blocks of positions, in order: the same sums for any chunking
    long size = (long) dims[0] * dims[1] * dims[2];
    NDArray total = ctx.scratch().zeros(new Shape(n, size), x.getDataType(), x.getDevice());
    for (int p0 = 0; p0 < positions; p0 += SUM_BLOCK) {
      int p1 = Math.min(positions, p0 + SUM_BLOCK);
      try (NDManager block = ctx.scratch().newSubManager()) {
        double[] w = new double[n * (p1 - p0)];
        for (int j = 0; j < n; j++) {
          System.arraycopy(drops[j], p0, w, j * (p1 - p0), p1 - p0);
        }
        NDArray weights =
            block
                .create(w, new Shape(n, p1 - p0))
                .toDevice(x.getDevice(), false)
                .toType(x.getDataType(), false);
        NDArray boxes =
            masks(window, p0, p1, positions, dims, block)
                .toDevice(x.getDevice(), false)
                .toType(x.getDataType(), false)
                .reshape(p1 - p0, size);
        total.addi(weights.matMul(boxes));
      }
    }
    NDArray coverage = outer(window, ctx.scratch(), x.getDevice()).toType(x.getDataType(), false);
    return total.reshape(in).div(coverage);
  }

  /** Occlusion fills its box with one number: {@code zeros} or a constant within float range. */
  private static double constantBaseline(Object value) {
    double v =
        value instanceof Number
            ? ((Number) value).doubleValue()
            : "zeros".equals(value) ? 0 : Double.NaN;
    if (Double.isNaN(v)) {
      throw new InvalidOptionException(
          "option 'baseline' of occlusion must be zeros or a number, got '" + value + "'");
    }
    if (Math.abs(v) > Float.MAX_VALUE) {
      throw new InvalidOptionException("option 'baseline' = " + v + " is beyond the float range");
    }
    return v;
  }

  /** The (rows, C, H, W) 0/1 boxes of rows r0..r1, built from per-axis indicators on the device. */
  private static NDArray masks(
      SlidingWindow window, int r0, int r1, int positions, int[] dims, NDManager m) {
    int b = r1 - r0;
    float[][] axes = new float[3][];
    for (int d = 0; d < 3; d++) {
      axes[d] = new float[b * dims[d]];
    }
    for (int r = r0; r < r1; r++) {
      for (int d = 0; d < 3; d++) {
        System.arraycopy(
            window.indicator(r % positions, d), 0, axes[d], (r - r0) * dims[d], dims[d]);
      }
    }
    NDArray c = m.create(axes[0], new Shape(b, dims[0], 1, 1));
    NDArray h = m.create(axes[1], new Shape(b, 1, dims[1], 1));
    NDArray w = m.create(axes[2], new Shape(b, 1, 1, dims[2]));
    return c.mul(h).mul(w);
  }

  /** The (1, C, H, W) number of windows covering each element, on the input's device. */
  private static NDArray outer(SlidingWindow window, NDManager m, ai.djl.Device device) {
    float[] c = window.coverage(0);
    float[] h = window.coverage(1);
    float[] w = window.coverage(2);
    return m.create(c, new Shape(1, c.length, 1, 1))
        .toDevice(device, false)
        .mul(m.create(h, new Shape(1, 1, h.length, 1)).toDevice(device, false))
        .mul(m.create(w, new Shape(1, 1, 1, w.length)).toDevice(device, false));
  }
}
