package dev.ibex.api;

/** How an attribution's values are laid out. */
public enum Layout {
  /** Per input element of an image batch: (N, C, H, W). */
  PIXEL,
  /** Per spatial location: (N, H, W), e.g. a CAM upsampled to the input. */
  SPATIAL,
  /** Per token of a text batch: (N, L). */
  TOKEN,
  /** Any other shape (e.g. a layer-resolution map); the shape says the rest. */
  OTHER
}
