package dev.ibex.attribution.ib;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.Inputs;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.MinMax;

/**
 * What the transformer-token methods (NIB, M2IB) share: an input that is either pixels (N, C, H, W)
 * for an image tower or integer token ids (N, L) for a text tower, per-token scores at a layer, and
 * the authors' way of turning them into maps (options {@code modality}, {@code class-token}, {@code
 * normalise}; see {@link TokenMaps}).
 */
abstract class TokenAttributor extends AbstractAttributor {
  static final OptionSpec MODALITY =
      StandardOptions.MODALITY.withDoc(
          "image: drop the class token and upsample the patch grid to the input; text: per token");
  static final OptionSpec CLASS_TOKEN =
      OptionSpec.bool(
          "class-token", true, "image: token 0 is a class token (dropped from the map)");
  static final OptionSpec NORMALISE =
      StandardOptions.NORMALISE.withDefault("minmax").withDoc("per-sample min-max, as the authors");

  TokenAttributor(String name, String description, OptionSchema options) {
    super(name, description, options);
  }

  /**
   * Checks the modality, takes the activation h at the {@code layer} option, has {@link
   * #tokenScores} score its tokens and turns them into maps.
   */
  @Override
  protected final NDArray compute(AttributionContext ctx) {
    imageSide(ctx); // fail before any work when the modality does not fit the input
    String layer = ctx.options().getString("layer");
    NDArray h = ctx.model().toLayer(layer, ctx.input()).stopGradient();
    return toMap(tokenScores(ctx, layer, h), ctx);
  }

  /**
   * The method itself: a score per token of the activation at the split point.
   *
   * @param ctx the call
   * @param layer the split point
   * @param h the activation at it, (N, T, D), detached from the graph
   * @return (N, T) scores
   */
  protected abstract NDArray tokenScores(AttributionContext ctx, String layer, NDArray h);

  @Override
  protected final void validateInput(NDArray input) {
    requirePixelsOrTokens(input);
  }

  /**
   * Checks an input of an image or a text tower.
   *
   * @param input (N, C, H, W) finite pixels or (N, L) integer token ids
   */
  static void requirePixelsOrTokens(NDArray input) {
    if (input.getShape().dimension() == 2 && !input.getDataType().isFloating()) {
      return; // token ids (N, L)
    }
    Inputs.requireRank(input, 4, "input", "(N, C, H, W) pixels, or (N, L) integer token ids");
    Inputs.requireFinite(input, "input");
  }

  /**
   * Checks that the {@code modality} option fits the input.
   *
   * @param ctx the call
   * @return whether this is the image side
   */
  static boolean imageSide(AttributionContext ctx) {
    String modality = ctx.options().getString("modality");
    boolean image = modality.equals("image");
    if (image != (ctx.input().getShape().dimension() == 4)) {
      throw new InvalidInputException(
          "modality '"
              + modality
              + "' does not fit an input of shape "
              + ctx.input().getShape()
              + (image ? ": use modality=text for token ids" : ": use modality=image for pixels"));
    }
    return image;
  }

  /**
   * Per-token scores to the returned map: image side on the input's pixel grid, text side per
   * token, then min-max unless {@code normalise=none}.
   *
   * @param tokens (N, T) scores
   * @param ctx the call
   * @return (N, H, W) or (N, T)
   */
  static NDArray toMap(NDArray tokens, AttributionContext ctx) {
    Options o = ctx.options();
    NDArray x = ctx.input();
    NDArray map =
        imageSide(ctx)
            ? TokenMaps.image(
                tokens,
                o.getBoolean("class-token"),
                (int) x.getShape().get(2),
                (int) x.getShape().get(3))
            : tokens;
    return o.getString("normalise").equals("minmax") ? MinMax.perSample(map, 0f) : map;
  }
}
