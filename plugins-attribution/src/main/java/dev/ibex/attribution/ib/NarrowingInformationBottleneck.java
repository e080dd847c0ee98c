package dev.ibex.attribution.ib;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.attribution.core.AttributionContext;

/**
 * NIB, the Narrowing Information Bottleneck attribution for image-text models (Zhu et al., ICLR 2025),
 * as the authors' code computes it: at the hidden state h entering transformer block {@code layer},
 * {@code A = Σ_{i=1..n} h ⊙ ∇_{h'} score(tail(h'))|_{h'=(i/n)·h} / n} — a right Riemann sum of
 * integrated gradients from a zero baseline over the whole token tensor — summed over channels. The
 * score is usually {@code Target.cosineSimilarity(otherTowerEmbeddings)}. Image: class token dropped,
 * patch grid upsampled bilinearly to the input; text: one score per token (SOT/EOT included);
 * per-sample min-max. Deterministic. All {@code steps} scales of all samples go through the model in
 * batches of {@code internal-batch-size} rows: {@code steps} forward and backward passes per sample
 * through the tail, plus one forward to resolve a class target (none for a score target).
 *
 * <p>The model must offer the layer as a split point; a text tower whose tail needs the token ids
 * (EOT pooling) declares {@code tailTakesInput} (see {@link dev.ibex.api.model.TorchScriptModel}).
 */
@AutoService(Attributor.class)
public final class NarrowingInformationBottleneck extends TokenAttributor {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.text("layer", null, "split point: the hidden state entering this block (required)"),
          OptionSpec.integer("steps", 10, "scales i/steps, i = 1..steps (the paper's num_steps)").withRange(1, 10_000),
          MODALITY,
          CLASS_TOKEN,
          NORMALIZE,
          OptionSpec.integer("internal-batch-size", 64, "rows (sample × scale) per model call").withRange(1, 1 << 20));

  @Override
  public String name() {
    return "nib";
  }

  @Override
  public String description() {
    return "Narrowing Information Bottleneck for image-text models (Zhu et al. ICLR 2025), image or text side";
  }

  @Override
  public OptionSchema options() {
    return OPTIONS;
  }


  @Override
  protected NDArray compute(AttributionContext ctx) {
    Options o = ctx.options();
    String layer = o.getString("layer");
    int steps = o.getInt("steps");
    imageSide(ctx); // fail before any work when the modality does not fit the input
    NDArray x = ctx.input();
    ExplainableModel model = ctx.model();
    NDArray h = model.toLayer(layer, x).stopGradient();
    ResolvedTarget target = ctx.resolvedTarget();
    NDArray sum = integratedGradient(model, layer, x, h, target, steps, o.getInt("internal-batch-size"), ctx.scratch());
    NDArray tokens = sum.mul(h).sum(new int[] {-1}).div(steps); // channel sum -> (N, T)
    return toMap(tokens, ctx);
  }

  /** Σ_i ∇score at (i/n)·h, per sample, with the (sample, scale) rows batched. */
  static NDArray integratedGradient(
      ExplainableModel model, String layer, NDArray x, NDArray h, ResolvedTarget target, int steps,
      int batchSize, NDManager scratch) {
    int samples = (int) h.getShape().get(0);
    int total = samples * steps;
    NDArray sum = scratch.zeros(h.getShape(), h.getDataType()).toDevice(h.getDevice(), false);
    for (int start = 0; start < total; start += batchSize) {
      int rows = Math.min(batchSize, total - start);
      try (NDManager chunk = scratch.newSubManager()) {
        int[] sampleOfRow = new int[rows];
        float[] alpha = new float[rows];
        float[] routing = new float[samples * rows];
        for (int r = 0; r < rows; r++) {
          sampleOfRow[r] = (start + r) / steps;
          alpha[r] = ((start + r) % steps + 1) / (float) steps;
          routing[sampleOfRow[r] * rows + r] = 1f;
        }
        NDArray index = chunk.create(toLong(sampleOfRow)).toDevice(h.getDevice(), false);
        Shape broadcast = new Shape(rows).addAll(new Shape(ones(h.getShape().dimension() - 1)));
        NDArray scales = chunk.create(alpha).toDevice(h.getDevice(), false).toType(h.getDataType(), false).reshape(broadcast);
        NDArray leaf = h.get(index).mul(scales);
        leaf.attach(chunk);
        leaf.setRequiresGradient(true);
        NDArray xRows = x.get(index);
        xRows.attach(chunk);
        try (GradientCollector collector = chunk.getEngine().newGradientCollector()) {
          NDArray out = model.fromLayer(layer, leaf, xRows);
          collector.backward(target.score(out, sampleOfRow).sum());
        }
        model.passes().countBackward(rows);
        // scatter-add the rows' gradients to their samples: (samples, rows) x (rows, T·D)
        NDArray route = chunk.create(routing, new Shape(samples, rows)).toDevice(h.getDevice(), false)
            .toType(h.getDataType(), false);
        NDArray g = leaf.getGradient().reshape(rows, -1);
        sum.addi(route.matMul(g).reshape(h.getShape()));
      }
    }
    return sum;
  }

  private static long[] toLong(int[] v) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static long[] ones(int n) {
    long[] out = new long[n];
    java.util.Arrays.fill(out, 1);
    return out;
  }
}
