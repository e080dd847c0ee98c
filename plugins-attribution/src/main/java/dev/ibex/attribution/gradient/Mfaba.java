package dev.ibex.attribution.gradient;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.GradientScope;
import dev.ibex.api.spi.SampleRows;
import dev.ibex.api.spi.ScoreMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MFABA (Zhu et al., "MFABA: A More Faithful and Accelerated Boundary-based Attribution Method for
 * Deep Neural Networks", AAAI 2024): attribution along an adversarial path that descends the target
 * score S towards the decision boundary, x₀ = x, x₁, …, x_K, with the first-order (Taylor) rule
 * {@code A = −Σ_{t<K} (x_{t+1} − x_t) ⊙ ∇S(x_t)}, so that ΣA ≈ S(x) − S(x_K).
 *
 * <p>Steps, as the authors' code ({@code saliency/core/mfaba.py}, FGSMGrad):
 *
 * <ul>
 *   <li>{@code smooth} (MFABA-SMOOTH): {@code x_{t+1} = clamp(x + clip(x_t − α·sign(g_t) − x,
 *       ±ε))};
 *   <li>{@code sharp} (MFABA-SHARP): {@code x_{t+1} = clamp(x_t − 100·α·g_t / ‖g_t‖₂)} (ε unused,
 *       as the authors; a zero gradient gives a zero step instead of their NaN);
 * </ul>
 *
 * where clamp is to [{@code clamp-min}, {@code clamp-max}] (the authors use [0, 1] on unnormalised
 * images; the default here does not clamp). S is the softmax probability of the target class
 * ({@code score=softmax}, the authors' default; class targets only) or the target score itself
 * ({@code score=target}: the logit, or any score function, as NIB's CLIP adaptation uses with 10
 * steps of 0.01, no ε, no early stop). With {@code early-stop} a sample's path ends at the first
 * point no longer classified as the target class (class targets only; score targets run all steps).
 *
 * <p>Batching and passes: each step runs all still-active samples as one batch; the forward at x_t
 * serves both the gradient and the early-stop check of x_t, so a sample whose path has K steps
 * costs K + 1 forward rows and, when it stopped early, K + 1 backward rows (the backward of its
 * last point runs in the same batch and is discarded), else K. At most {@code steps} + 1 of each
 * per sample; the authors' code takes 2·steps + 1 forward and steps + 1 backward.
 *
 * <p>Diagnostics per sample: {@code completeness-gap} = ΣA − (S(x) − S(x_K)), {@code path-steps} =
 * K, {@code boundary-crossed} = 1 when the path ended at a point classified otherwise (class
 * targets), else 0.
 */
@AutoService(Attributor.class)
public final class Mfaba extends AbstractAttributor {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.choice(
              "variant",
              "smooth",
              List.of("smooth", "sharp"),
              "smooth: sign steps in an L-inf ball (MFABA-SMOOTH); sharp: L2-normalised gradient steps (MFABA-SHARP)"),
          OptionSpec.integer("steps", 50, "maximum number of steps of the adversarial path")
              .withRange(1, 100_000),
          OptionSpec.real(
                  "step-size",
                  0.001,
                  "alpha: smooth moves each element by alpha; sharp moves by 100*alpha along the unit gradient (authors' scaling)")
              .withRange(1e-12, 1e6),
          OptionSpec.real(
                  "epsilon", 0.3, "L-inf bound of x_t - x for the smooth variant (authors: 0.3)")
              .withMin(0),
          StandardOptions.SCORE.withDoc(
              "descended score: softmax probability of the target class (authors) or the"
                  + " target score itself (a logit, or a score function: give score=target for one)"),
          OptionSpec.bool(
              "early-stop",
              true,
              "end a sample's path once it is no longer classified as the target class"),
          OptionSpec.real(
              "clamp-min",
              Double.NEGATIVE_INFINITY,
              "lower bound of the data range (authors: 0 for unnormalised images)"),
          OptionSpec.real(
              "clamp-max", Double.POSITIVE_INFINITY, "upper bound of the data range (authors: 1)"));

  public Mfaba() {
    super(
        "mfaba",
        "MFABA: attribution along an adversarial path to the decision boundary (Zhu et al. 2024)",
        OPTIONS);
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    Settings s = new Settings(ctx);
    s.mode.requireClassTargetForSoftmax(ctx.target(), name());
    ExplainableModel model = ctx.model();
    NDArray x = ctx.input();
    int n = ctx.samples();
    NDManager scratch = ctx.scratch();
    NDArray attribution = x.zerosLike();
    double[] start = new double[n];
    double[] end = new double[n];
    double[] taken = new double[n];
    double[] crossed = new double[n];
    int[] active = SampleRows.identity(n);
    NDArray current = x;
    ResolvedTarget target = null;
    int[] classes = null;
    for (int t = 0; t <= s.steps && active.length > 0; t++) {
      try (NDManager step = scratch.newSubManager()) {
        NDArray leaf = current.duplicate();
        leaf.attach(step);
        boolean last = t == s.steps;
        leaf.setRequiresGradient(!last);
        NDArray out;
        NDArray score;
        NDArray grad = null;
        try (GradientScope scope = last ? null : GradientScope.open(model)) {
          out = model.forward(leaf);
          if (target == null) {
            target = ctx.resolveWith(out.stopGradient());
            classes = target.classes().orElse(null);
          }
          score = s.score(out, target, active);
          if (!last) {
            scope.backward(score.sum(), active.length);
          }
        }
        if (!last) {
          grad = leaf.getGradient();
        }
        double[] scores = SampleRows.toDoubles(score.stopGradient());
        int[] predicted =
            classes == null
                ? null
                : out.stopGradient().argMax(1).toType(DataType.INT32, false).toIntArray();
        List<Integer> keep = new ArrayList<>();
        for (int r = 0; r < active.length; r++) {
          int sample = active[r];
          if (t == 0) {
            start[sample] = scores[r];
          }
          boolean flipped = predicted != null && predicted[r] != classes[sample];
          if (last || (t > 0 && s.earlyStop && flipped)) {
            end[sample] = scores[r];
            taken[sample] = t;
            crossed[sample] = flipped ? 1 : 0;
          } else {
            keep.add(r);
          }
        }
        if (keep.isEmpty()) {
          break;
        }
        int[] rows = keep.stream().mapToInt(Integer::intValue).toArray();
        int[] was = active;
        int[] next = Arrays.stream(rows).map(r -> was[r]).toArray();
        NDArray from = SampleRows.gather(leaf.stopGradient(), rows, step);
        NDArray g = SampleRows.gather(grad, rows, step);
        NDArray to = s.step(from, g, SampleRows.gather(x, next, step));
        // A -= (x_{t+1} - x_t) ⊙ ∇S(x_t), summed into each sample's row
        double[] minusOne = new double[next.length];
        Arrays.fill(minusOne, -1.0);
        attribution.addi(SampleRows.weightedSum(to.sub(from).mul(g), next, minusOne, n));
        to.attach(scratch);
        if (current != x) {
          current.close();
        }
        current = to;
        active = next;
      }
    }
    double[] sums = SampleRows.sumPerSample(attribution);
    double[] gap = new double[n];
    for (int i = 0; i < n; i++) {
      gap[i] = sums[i] - (start[i] - end[i]);
    }
    ctx.diagnostic("completeness-gap", gap);
    ctx.diagnostic("path-steps", taken);
    ctx.diagnostic("boundary-crossed", crossed);
    return attribution;
  }

  /** The options of one call. */
  private static final class Settings {
    final boolean smooth;
    final int steps;
    final double alpha;
    final double epsilon;
    final ScoreMode mode;
    final boolean earlyStop;
    final double lo;
    final double hi;

    Settings(AttributionContext ctx) {
      var o = ctx.options();
      smooth = o.getString("variant").equals("smooth");
      steps = o.getInt("steps");
      alpha = o.getDouble("step-size");
      epsilon = o.getDouble("epsilon");
      mode = ScoreMode.of(o);
      earlyStop = o.getBoolean("early-stop");
      lo = o.getDouble("clamp-min");
      hi = o.getDouble("clamp-max");
      if (lo >= hi) {
        throw new InvalidOptionException(
            "clamp-min (" + lo + ") must be below clamp-max (" + hi + ")");
      }
    }

    NDArray score(NDArray out, ResolvedTarget target, int[] sampleOfRow) {
      return mode.score(target, out, sampleOfRow);
    }

    NDArray step(NDArray from, NDArray g, NDArray origin) {
      NDArray to;
      if (smooth) {
        to = from.sub(g.sign().mul(alpha));
        if (Double.isFinite(epsilon)) {
          to = origin.add(to.sub(origin).clip(-epsilon, epsilon));
        }
      } else {
        int rank = g.getShape().dimension();
        NDArray norm = g.reshape(g.getShape().get(0), -1).norm(new int[] {1});
        long[] dims = new long[rank];
        Arrays.fill(dims, 1);
        dims[0] = g.getShape().get(0);
        // a zero gradient gives a zero step (the authors' code would divide by zero)
        NDArray unit = g.div(norm.maximum(1e-30f).reshape(new Shape(dims)));
        to = from.sub(unit.mul(100 * alpha));
      }
      if (Double.isFinite(lo) || Double.isFinite(hi)) {
        to =
            to.clip(
                Double.isFinite(lo) ? lo : -Double.MAX_VALUE,
                Double.isFinite(hi) ? hi : Double.MAX_VALUE);
      }
      return to;
    }
  }
}
