package dev.ibex.attribution.ib;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.spi.Bilinear;

/**
 * Turns per-token scores of a transformer into the maps the IB methods return, as the NIB and M2IB
 * authors do: image tokens (class token dropped) laid out on their patch grid and upsampled
 * bilinearly (align_corners=false) to the input; text tokens stay per token.
 */
final class TokenMaps {
  private TokenMaps() {}

  /**
   * An image map from per-token scores.
   *
   * @param tokens (N, T) scores, token 0 the class token when {@code dropFirst}
   * @param dropFirst whether token 0 is a class token to drop
   * @param height input height
   * @param width input width
   * @return (N, height, width)
   */
  static NDArray image(NDArray tokens, boolean dropFirst, int height, int width) {
    NDArray patches = dropFirst ? tokens.get(":, 1:") : tokens;
    long n = patches.getShape().get(1);
    int side = (int) Math.round(Math.sqrt(n));
    if ((long) side * side != n) {
      throw new InvalidInputException(
          n
              + " patch tokens do not form a square grid"
              + (dropFirst ? "" : " (is token 0 a class token?)"));
    }
    NDArray grid = patches.reshape(patches.getShape().get(0), side, side);
    return Bilinear.resize(grid, height, width, false);
  }
}
