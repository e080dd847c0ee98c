package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;

/**
 * How a layer's activation lays out space, and its map to the (N, C, h, w) grid every CAM weighs:
 * pytorch-grad-cam's {@code reshape_transform}, applied to the activation and to its gradient alike
 * (options {@code token-layout}, {@code prefix-tokens}, {@code token-grid} of {@link
 * StandardOptions}).
 *
 * <ul>
 *   <li>{@code nchw}: (N, C, h, w), as convolutional nets give it; unchanged.
 *   <li>{@code tokens}: (N, P + h·w, C), as ViT, DeiT or CLIP's image tower: the P prefix tokens
 *       (class, distillation, register tokens) are dropped and the rest, row-major on an h×w grid
 *       (square by default), brought channels first: {@code a[:, P:, :].reshape(N, h, w,
 *       C).permute(0, 3, 1, 2)}, which is pytorch-grad-cam's {@code vit_reshape_transform} for P =
 *       1 and its {@code swinT_reshape_transform} for P = 0.
 *   <li>{@code nhwc}: (N, h, w, C), channels-last as torchvision's Swin: {@code a.permute(0, 3, 1,
 *       2)}.
 * </ul>
 *
 * <p>The prefix tokens' gradients are dropped with them, as pytorch-grad-cam does. An activation
 * that does not fit the layout is an {@link InvalidInputException} naming its shape, the layout and
 * what was expected.
 */
public final class TokenLayout {
  /** Activations already (N, C, h, w). */
  public static final String NCHW = "nchw";

  /** Token activations (N, P + h·w, C). */
  public static final String TOKENS = "tokens";

  /** Channels-last activations (N, h, w, C). */
  public static final String NHWC = "nhwc";

  private static final TokenLayout DEFAULT = new TokenLayout(NCHW, 0, 0, 0);

  private final String name;
  private final int prefix;
  private final int height; // 0: the square root of the token count
  private final int width;

  private TokenLayout(String name, int prefix, int height, int width) {
    this.name = name;
    this.prefix = prefix;
    this.height = height;
    this.width = width;
  }

  /**
   * The layout the options ask for. Options without {@code token-layout} (a CAM with a schema of
   * its own) mean {@code nchw}.
   *
   * @param options a plugin's options
   * @return the layout
   * @throws InvalidOptionException if {@code token-grid} is given with another layout than {@code
   *     tokens}
   */
  public static TokenLayout of(Options options) {
    if (!takes(options, StandardOptions.TOKEN_LAYOUT)) {
      return DEFAULT;
    }
    String name = options.getString(StandardOptions.TOKEN_LAYOUT.name());
    String grid =
        takes(options, StandardOptions.TOKEN_GRID)
            ? (String) options.get(StandardOptions.TOKEN_GRID.name()).orElse(null)
            : null;
    if (!name.equals(TOKENS)) {
      if (grid != null) {
        throw new InvalidOptionException(
            "option 'token-grid' is for token-layout=tokens; token-layout is " + name);
      }
      return name.equals(NCHW) ? DEFAULT : new TokenLayout(name, 0, 0, 0);
    }
    int prefix =
        takes(options, StandardOptions.PREFIX_TOKENS)
            ? options.getInt(StandardOptions.PREFIX_TOKENS.name())
            : (Integer) StandardOptions.PREFIX_TOKENS.defaultValue();
    if (grid == null) {
      return new TokenLayout(name, prefix, 0, 0);
    }
    String[] hw = grid.split("x"); // canonical HxW, checked by the option
    return new TokenLayout(name, prefix, Integer.parseInt(hw[0]), Integer.parseInt(hw[1]));
  }

  private static boolean takes(Options options, OptionSpec spec) {
    return options.schema().specs().stream().anyMatch(s -> s.name().equals(spec.name()));
  }

  /**
   * The capture with its activation and gradient mapped to (N, C, h, w); the scores unchanged.
   *
   * @param capture a layer capture in this layout
   * @param layer the layer's name, for messages
   * @return the capture on the grid ({@code capture} itself for {@code nchw})
   * @throws InvalidInputException if the activation does not fit this layout
   */
  public LayerCapture toGrid(LayerCapture capture, String layer) {
    NDArray a = toGrid(capture.activation(), layer);
    if (name.equals(NCHW)) {
      return capture;
    }
    NDArray g = capture.gradient() == null ? null : toGrid(capture.gradient(), layer);
    return new LayerCapture(a, g, capture.scores());
  }

  /**
   * One array of this layout (an activation or its gradient) as (N, C, h, w).
   *
   * @param x the array
   * @param layer the layer's name, for messages
   * @return (N, C, h, w); {@code x} itself for {@code nchw}
   * @throws InvalidInputException if the array does not fit this layout
   */
  public NDArray toGrid(NDArray x, String layer) {
    Shape s = x.getShape();
    switch (name) {
      case TOKENS:
        return tokensToGrid(x, layer);
      case NHWC:
        if (s.dimension() != 4) {
          throw new InvalidInputException(misfit(layer, s, "(N, h, w, C)"));
        }
        return x.transpose(0, 3, 1, 2);
      default:
        if (s.dimension() != 4) {
          throw new InvalidInputException(
              misfit(layer, s, "(N, C, h, w)")
                  + "; token-layout=tokens takes (N, tokens, C), nhwc takes (N, h, w, C)");
        }
        return x;
    }
  }

  private NDArray tokensToGrid(NDArray x, String layer) {
    Shape s = x.getShape();
    if (s.dimension() != 3) {
      throw new InvalidInputException(misfit(layer, s, "(N, tokens, C)"));
    }
    long tokens = s.get(1);
    long patches = tokens - prefix;
    String what =
        String.format(
            "layer '%s' gives activations of shape %s: %d tokens minus %d prefix token%s",
            layer, s, tokens, prefix, prefix == 1 ? "" : "s");
    if (patches < 1) {
      throw new InvalidInputException(what + " leave no patch token");
    }
    long h = height;
    long w = width;
    if (h == 0) {
      h = Math.round(Math.sqrt(patches));
      w = h;
      if (h * w != patches) {
        throw new InvalidInputException(
            what
                + " = "
                + patches
                + " is not a square grid; give token-grid=HxW (or prefix-tokens)");
      }
    } else if (h * w != patches) {
      throw new InvalidInputException(
          what + " = " + patches + ", but token-grid=" + h + "x" + w + " holds " + h * w);
    }
    NDArray grid = prefix == 0 ? x : x.get(":, " + prefix + ":, :");
    return grid.reshape(s.get(0), h, w, s.get(2)).transpose(0, 3, 1, 2);
  }

  private String misfit(String layer, Shape s, String expected) {
    return "layer '"
        + layer
        + "' gives activations of shape "
        + s
        + "; token-layout="
        + name
        + " needs "
        + expected;
  }
}
