package dev.ibex.attribution.ib;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.model.AttentionProbing;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.GradientScope;
import dev.ibex.api.spi.SampleRows;
import java.util.List;

/**
 * Attention relevance of Chefer, Gur and Wolf (ICCV 2021, "Generic Attention-model Explainability
 * for Interpreting Bi-Modal and Encoder-Decoder Transformers"), the rule of their CLIP code: from
 * {@code R = I}, for every block b from {@code start-block} on, {@code R ← R + mean_heads(relu(∇A_b
 * ⊙ A_b)) · R}, where {@code A_b} are block b's attention probabilities and {@code ∇A_b} the target
 * score's gradient with respect to them; the map is R's row of the token that carries the output
 * (the class token, or the EOT token of a CLIP text tower). Image side: class token dropped, patch
 * grid up-sampled bilinearly to the input; text side: one score per token; per-sample min-max. One
 * forward and one backward pass per sample; deterministic.
 *
 * <p>{@code start-block=-1} runs the rule on the last block only: the authors' CLIP notebook
 * default, and what the NIB authors ran (their text side reads {@code relu(∇A ⊙ A)} without the
 * identity, which differs from this at the EOT token itself). The model must expose its attention:
 * see {@link AttentionProbing}. Class targets (a ViT classifier) and score targets ({@code
 * Target.cosineSimilarity} for a CLIP tower) both work.
 */
@AutoService(Attributor.class)
public final class Chefer extends AbstractAttributor {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          TokenAttributor.MODALITY,
          OptionSpec.integer(
                  "start-block",
                  0,
                  "first block the rule runs over (0: all); negative counts from the end, -1: the"
                      + " last block only (the authors' CLIP notebook default)")
              .withRange(-10_000, 10_000),
          OptionSpec.choice(
              "row",
              "auto",
              List.of("auto", "first", "last", "highest-id"),
              "the token whose relevance row is the map: auto = first (the class token) for"
                  + " pixels, highest-id (CLIP's EOT token) for token ids"),
          TokenAttributor.CLASS_TOKEN,
          TokenAttributor.NORMALISE);

  public Chefer() {
    super(
        "chefer",
        "Chefer et al. 2021 attention relevance (gradient-weighted attention rolled over the blocks)"
            + " for transformers: ViTs, both CLIP towers",
        OPTIONS);
  }

  @Override
  protected void validateInput(NDArray input) {
    TokenAttributor.requirePixelsOrTokens(input);
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    boolean image = TokenAttributor.imageSide(ctx);
    ExplainableModel model = ctx.model();
    AttentionProbing probing =
        AttentionProbing.of(model)
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "chefer needs a model that exposes its attention (AttentionProbing); "
                            + model.getClass().getSimpleName()
                            + " does not"));
    NDArray x = ctx.input();
    int n = ctx.samples();
    long[] shape = probing.attentionShape(x);
    int blocks = (int) shape[0];
    int tokens = (int) shape[2];
    int first = firstBlock(ctx.options().getInt("start-block"), blocks);

    DataType type = x.getDataType().isFloating() ? x.getDataType() : DataType.FLOAT32;
    NDArray probe = ctx.scratch().zeros(new Shape(blocks, n, shape[1], tokens, tokens), type);
    probe.setRequiresGradient(true);
    NDArray attention;
    try (GradientScope scope = GradientScope.open(model)) {
      AttentionProbing.ProbedPass pass = probing.forwardProbed(x, probe);
      ResolvedTarget target = ctx.resolveWith(pass.output().stopGradient());
      NDArray scores = target.score(pass.output(), SampleRows.identity(n));
      scope.backward(scores.sum(), n);
      attention = pass.attention().stopGradient();
    }
    // relu(∇A ⊙ A) averaged over the heads: (blocks, N, T, T)
    NDArray cams = probe.getGradient().mul(attention).maximum(0f).mean(new int[] {2});
    NDArray relevance = ctx.scratch().eye(tokens).toType(type, false);
    relevance = relevance.expandDims(0).broadcast(new Shape(n, tokens, tokens));
    for (int b = first; b < blocks; b++) {
      relevance = relevance.add(cams.get(b).matMul(relevance));
    }
    NDArray rowOneHot =
        readRows(ctx, image, tokens)
            .toType(DataType.INT64, false)
            .oneHot(tokens)
            .toType(type, false);
    NDArray rows = relevance.mul(rowOneHot.expandDims(2)).sum(new int[] {1}); // (N, T)
    return TokenAttributor.toMap(rows, ctx);
  }

  private static int firstBlock(int start, int blocks) {
    int first = start < 0 ? blocks + start : start;
    if (first < 0 || first >= blocks) {
      throw new InvalidOptionException(
          "start-block " + start + " is outside the model's " + blocks + " blocks");
    }
    return first;
  }

  /** The token index whose relevance row is read, per sample: (N,) int. */
  private static NDArray readRows(AttributionContext ctx, boolean image, int tokens) {
    String row = ctx.options().getString("row");
    if (row.equals("auto")) {
      row = image ? "first" : "highest-id";
    }
    NDArray x = ctx.input();
    switch (row) {
      case "first":
        return ctx.scratch().zeros(new Shape(ctx.samples()), DataType.INT32);
      case "last":
        return ctx.scratch().full(new Shape(ctx.samples()), tokens - 1, DataType.INT32);
      default:
        if (image) {
          throw new InvalidOptionException("row=highest-id needs token ids, not pixels");
        }
        return x.argMax(1).toType(DataType.INT32, false);
    }
  }
}
