package dev.ibex.attribution.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.BaseCam;
import dev.ibex.api.spi.Bilinear;
import dev.ibex.api.spi.Chunks;
import dev.ibex.api.spi.LayerCapture;
import dev.ibex.api.spi.MemoryBudget;
import dev.ibex.api.spi.MinMax;
import dev.ibex.api.spi.SampleRows;

/**
 * Score-CAM (Wang et al., 2020), as pytorch-grad-cam computes it: every channel of the activation
 * is upsampled to the input size (bilinear, align_corners=true), min-max scaled to [0, 1] ({@code
 * (a − min)/(max − min + 1e-8)}), multiplied into the input and scored by the model; the channel
 * weights are the softmax of those scores over the channels. No gradients; 1 + C forward passes per
 * sample, the masked inputs going through the model in chunks ({@code internal-batch-size} when
 * given, else as many as {@code memory-budget} allows; each score is its row's own, so the chunk
 * size does not change the result).
 */
@AutoService(Attributor.class)
public final class ScoreCam extends BaseCam {
  private static final double EPS = 1e-8;
  private static final OptionSchema OPTIONS =
      CAM_OPTIONS.plus(
          StandardOptions.INTERNAL_BATCH_SIZE
              .withDefault(null)
              .withDoc(
                  "masked inputs per model call; when not given, as many as memory-budget allows"),
          StandardOptions.MEMORY_BUDGET);

  public ScoreCam() {
    super(
        "score-cam",
        "Channels weighed by the softmax of the scores of the input masked by each (Wang et al. 2020)",
        OPTIONS);
  }

  @Override
  protected boolean usesGradients() {
    return false;
  }

  @Override
  protected NDArray weights(AttributionContext ctx, LayerCapture capture) {
    Shape a = capture.activation().getShape();
    int n = (int) a.get(0);
    int channels = (int) a.get(1);
    Shape in = ctx.input().getShape();
    int height = (int) in.get(2);
    int width = (int) in.get(3);
    ResolvedTarget target = ctx.resolvedTarget(); // resolved by the capture, no extra pass
    NDArray maps = capture.activation().reshape(n * channels, a.get(2), a.get(3));
    NDArray x = ctx.input();
    double[] scores = new double[n * channels];
    Chunks.forEachSampleMajor(
        n,
        channels,
        MemoryBudget.of(
            ctx,
            name() + " masked inputs",
            x,
            (rows, m) -> {
              int[] first = new int[rows]; // copies of the first sample
              target.score(ctx.model().forward(SampleRows.gather(x, first, m)), first);
            }),
        ctx.scratch(),
        (r0, r1, sampleOfRow, chunk) -> {
          NDArray rows = maps.get(r0 + ":" + r1);
          rows.attach(chunk);
          NDArray up = Bilinear.resize(rows, height, width, true);
          NDArray masks = MinMax.perSample(up, EPS).reshape(r1 - r0, 1, height, width);
          NDArray images = SampleRows.gather(x, sampleOfRow, chunk);
          NDArray out = ctx.model().forward(masks.mul(images));
          double[] s = SampleRows.toDoubles(target.score(out, sampleOfRow));
          System.arraycopy(s, 0, scores, r0, s.length);
        });
    return ctx.scratch()
        .create(scores, new Shape(n, channels))
        .toDevice(x.getDevice(), false)
        .toType(capture.activation().getDataType(), false)
        .softmax(1);
  }
}
