package dev.ibex.attribution.gradient;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.Inputs;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Gradients;
import dev.ibex.api.spi.SampleRows;
import java.util.Arrays;

/**
 * What the gradient methods do with integer token ids (N, L): they attribute at an embedding split
 * point (the {@code embedding} option: {@code to_<layer>(ids)} gives (N, L, D) embeddings, {@code
 * from_<layer>(e, ids)} the output), as Captum's layer methods on an embedding layer, and sum over
 * the embedding dimension to one score per token. The reference of path methods is a token sequence
 * (Captum's convention): {@code reference-token} everywhere except the ids in {@code keep-tokens}
 * (special tokens such as CLS and SEP), which stay.
 */
final class TokenEmbeddings {
  static final OptionSpec EMBEDDING =
      OptionSpec.text(
          "embedding",
          null,
          "token ids (N, L): the embedding split point, e.g. embed (required for ids; pixels: not"
              + " used)");
  static final OptionSpec REFERENCE_TOKEN =
      OptionSpec.integer(
              "reference-token",
              0,
              "token ids: the id of the reference sequence (padding or unknown), as Captum's"
                  + " TokenReferenceBase")
          .withRange(0, Integer.MAX_VALUE);
  static final OptionSpec KEEP_TOKENS =
      OptionSpec.text(
          "keep-tokens",
          "",
          "token ids: ids the reference sequence keeps where the input has them, comma-separated,"
              + " e.g. 101,102 (CLS, SEP)");

  private TokenEmbeddings() {}

  /**
   * @param input a batch
   * @return whether it is (N, L) integer token ids
   */
  static boolean isTokens(NDArray input) {
    return input.getShape().dimension() == 2 && !input.getDataType().isFloating();
  }

  /**
   * Checks an input of a gradient method: token ids, or an image batch.
   *
   * @param input the batch
   */
  static void validate(NDArray input) {
    if (!isTokens(input)) {
      Inputs.requireImageBatch(input);
    }
  }

  /**
   * @param ctx the call on token ids
   * @return the embedding split point
   */
  static String layer(AttributionContext ctx) {
    return ctx.options()
        .get("embedding")
        .map(Object::toString)
        .orElseThrow(
            () ->
                new InvalidOptionException(
                    "token ids (N, L) are attributed at an embedding split point: give"
                        + " embedding=NAME, a split point the model exports as to_NAME / from_NAME"));
  }

  /**
   * The embeddings of token ids at the split point, detached.
   *
   * @param ctx the call
   * @param ids (N, L) ids
   * @return (N, L, D)
   */
  static NDArray embed(AttributionContext ctx, NDArray ids) {
    NDArray h = ctx.model().toLayer(layer(ctx), ids).stopGradient();
    if (h.getShape().dimension() != 3 || h.getShape().get(1) != ids.getShape().get(1)) {
      throw new InvalidInputException(
          "to_"
              + layer(ctx)
              + " returns "
              + h.getShape()
              + ", not (N, L, D) embeddings of the "
              + ids.getShape()
              + " token ids");
    }
    return h;
  }

  /**
   * ∂score/∂e at the embeddings of the input (one forward and one backward pass per sample), the
   * target resolved on that output.
   *
   * @param ctx the call
   * @param h the input's embeddings
   * @return (N, L, D) gradient
   */
  static NDArray gradient(AttributionContext ctx, NDArray h) {
    return Gradients.ofLayer(
            ctx.model(),
            layer(ctx),
            h,
            ctx.input(),
            null,
            ctx::resolveWith,
            SampleRows.identity(ctx.samples()))
        .gradient();
  }

  /**
   * The reference token sequence of the input.
   *
   * @param options the call's options
   * @param ids (N, L) ids
   * @return (N, L) ids: {@code reference-token}, except where the input holds a kept id
   */
  static NDArray reference(Options options, NDArray ids) {
    NDArray asLong = ids.toType(DataType.INT64, false);
    NDArray keep = asLong.zerosLike().toType(DataType.BOOLEAN, false);
    for (long id : keptIds(options.getString("keep-tokens"))) {
      keep = keep.logicalOr(asLong.eq(id));
    }
    NDArray fill = asLong.zerosLike().add(options.getInt("reference-token"));
    return NDArrays.where(keep, asLong, fill).toType(ids.getDataType(), false);
  }

  private static long[] keptIds(String list) {
    if (list == null || list.isBlank()) {
      return new long[0];
    }
    try {
      return Arrays.stream(list.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
    } catch (NumberFormatException e) {
      throw new InvalidOptionException(
          "keep-tokens must be comma-separated token ids, e.g. 101,102; got '" + list + "'");
    }
  }

  /**
   * One score per token.
   *
   * @param perElement (N, L, D)
   * @return (N, L), summed over the embedding dimension
   */
  static NDArray perToken(NDArray perElement) {
    return perElement.sum(new int[] {-1});
  }
}
