package dev.ibex.attribution.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.attribution.core.MinMax;
import dev.ibex.attribution.core.AttributionContext;
import dev.ibex.attribution.core.Bilinear;
import dev.ibex.attribution.core.LayerCapture;
import dev.ibex.attribution.core.SampleRows;

/**
 * Score-CAM (Wang et al., 2020), as pytorch-grad-cam computes it: every channel of the activation
 * is upsampled to the input size (bilinear, align_corners=true), min-max scaled to [0, 1] ({@code
 * (a − min)/(max − min + 1e-8)}), multiplied into the input and scored by the model; the channel
 * weights are the softmax of those scores over the channels. No gradients; 1 + C forward passes
 * per sample, the masked inputs going through the model {@code internal-batch-size} at a time.
 */
@AutoService(Attributor.class)
public final class ScoreCam extends BaseCam {
  private static final double EPS = 1e-8;
  private static final OptionSchema OPTIONS =
      CAM_OPTIONS.plus(
          OptionSpec.integer("internal-batch-size", 64, "masked inputs per model call")
              .withRange(1, 1 << 20));

  @Override
  public String name() {
    return "score-cam";
  }

  @Override
  public String description() {
    return "Channels weighed by the softmax of the scores of the input masked by each (Wang et al. 2020)";
  }

  @Override
  public OptionSchema options() {
    return OPTIONS;
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
    int batch = ctx.options().getInt("internal-batch-size");
    ResolvedTarget target = ctx.resolvedTarget(); // resolved by the capture, no extra pass
    NDArray maps = capture.activation().reshape(n * channels, a.get(2), a.get(3));
    NDArray x = ctx.input();
    double[] scores = new double[n * channels];
    for (int r0 = 0; r0 < n * channels; r0 += batch) {
      int r1 = Math.min(n * channels, r0 + batch);
      try (NDManager chunk = ctx.scratch().newSubManager(x.getDevice())) {
        int[] sampleOfRow = new int[r1 - r0];
        for (int r = r0; r < r1; r++) {
          sampleOfRow[r - r0] = r / channels;
        }
        NDArray rows = maps.get(r0 + ":" + r1);
        rows.attach(chunk);
        NDArray up = Bilinear.resize(rows, height, width, true);
        NDArray masks = MinMax.perSample(up, EPS).reshape(r1 - r0, 1, height, width);
        NDArray images = SampleRows.gather(x, sampleOfRow, chunk);
        NDArray out = ctx.model().forward(masks.mul(images));
        double[] s = SampleRows.toDoubles(target.score(out, sampleOfRow));
        System.arraycopy(s, 0, scores, r0, s.length);
      }
    }
    return ctx.scratch()
        .create(scores, new Shape(n, channels))
        .toDevice(x.getDevice(), false)
        .toType(capture.activation().getDataType(), false)
        .softmax(1);
  }
}
