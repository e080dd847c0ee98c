package dev.ibex.metrics.consistency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Metric;
import dev.ibex.api.Target;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.AbstractMetric;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.Scores;
import dev.ibex.api.spi.SpatialMaps;
import dev.ibex.metrics.core.SampleRandom;
import java.util.Arrays;
import java.util.Random;

/**
 * Max-sensitivity (Yeh et al., "On the (In)fidelity and Sensitivity of Explanations", NeurIPS 2019,
 * eq. 4, estimated by Monte Carlo as Quantus does): {@code max_j ‖Φ(x + δ_j) − Φ(x)‖₂ / ‖Φ(x)‖₂}
 * over {@code samples} draws δ_j ~ U(−radius, radius) per input element. Φ is the attributor re-run
 * on the perturbed batch (one batched attributor call per draw) with the target pinned to the
 * classes of the original input; Φ(x) is the given attributions. With {@code relative=false}, or a
 * zero Φ(x), the distance is not divided. Lower is better.
 */
@AutoService(Metric.class)
public final class MaxSensitivity extends AbstractMetric {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.integer("samples", 10, "perturbation draws").withRange(1, 100_000),
          OptionSpec.real("radius", 0.2, "half-width of the uniform perturbation per element")
              .withMin(0),
          OptionSpec.bool(
              "relative", true, "divide the distance by the norm of the original attribution"),
          StandardOptions.SEED,
          StandardOptions.CHANNEL_REDUCTION);

  public MaxSensitivity() {
    super(
        "max-sensitivity",
        "Largest relative change of the attribution under small uniform input noise (Yeh et al. 2019)",
        Direction.LOWER_IS_BETTER,
        RE_ATTRIBUTED,
        OPTIONS);
  }

  @Override
  protected Scores compute(MetricContext ctx) {
    Options o = ctx.options();
    NDArray x = ctx.inputs();
    if (!x.getDataType().isFloating()) {
      throw new InvalidInputException(
          ctx.metric() + ": the input must be floating point to perturb, got " + x.getDataType());
    }
    SpatialMaps base = ctx.maps();
    Target pinned = ctx.pinnedTarget(ctx.resolveTarget());
    int n = (int) x.getShape().get(0);
    float[] flat = x.toType(DataType.FLOAT32, false).toFloatArray();
    int per = flat.length / n;
    double radius = o.getDouble("radius");
    Random[] rnd = new Random[n];
    for (int i = 0; i < n; i++) {
      rnd[i] = SampleRandom.of(o.getInt("seed"), Arrays.copyOfRange(flat, i * per, (i + 1) * per));
    }
    double[] out = new double[n];
    for (int j = 0; j < o.getInt("samples"); j++) {
      float[] noisy = new float[flat.length];
      for (int i = 0; i < n; i++) {
        for (int e = 0; e < per; e++) {
          noisy[i * per + e] = (float) (flat[i * per + e] + radius * (2 * rnd[i].nextDouble() - 1));
        }
      }
      try (NDManager m = ctx.scratch().newSubManager()) {
        NDArray xp =
            m.create(noisy, x.getShape())
                .toType(x.getDataType(), false)
                .toDevice(x.getDevice(), false);
        SpatialMaps pert = ctx.reattribute(xp, pinned);
        if (pert.samples() != n || pert.size() != base.size()) {
          throw new InvalidInputException(
              ctx.metric()
                  + ": the attributor's maps ("
                  + pert.samples()
                  + " x "
                  + pert.size()
                  + ") do not match the given attributions ("
                  + n
                  + " x "
                  + base.size()
                  + ")");
        }
        for (int i = 0; i < n; i++) {
          double d = 0;
          double norm = 0;
          for (int p = 0; p < base.size(); p++) {
            double diff = pert.values()[i][p] - base.values()[i][p];
            d += diff * diff;
            norm += base.values()[i][p] * base.values()[i][p];
          }
          double v = o.getBoolean("relative") && norm > 0 ? Math.sqrt(d / norm) : Math.sqrt(d);
          out[i] = Math.max(out[i], v);
        }
      }
    }
    return Scores.perSample(out);
  }
}
