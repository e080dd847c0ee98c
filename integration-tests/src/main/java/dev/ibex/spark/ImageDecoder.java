package dev.ibex.spark;

import dev.ibex.api.InvalidInputException;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Turns image file bytes (PNG, JPEG, or any format ImageIO reads) into a model input: pixels scaled
 * to [0, 1] by their bit depth, as 1 (grey) or 3 (RGB) channels, optionally resized bilinearly (see
 * {@link Resize}), then normalised per channel as {@code (pixel - mean) / std}.
 *
 * <p>Grey from colour is ITU-R 601 luma, {@code 0.299 R + 0.587 G + 0.114 B} (unrounded); RGB from
 * grey repeats the grey value. Alpha is dropped. Sample values are read from the raster, not
 * through Java's colour conversion, which would change grey PNGs (palette images are looked up in
 * their palette).
 */
public final class ImageDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int channels;
  private final int height;
  private final int width;
  private final float[] mean;
  private final float[] std;

  private ImageDecoder(int channels, int height, int width, float[] mean, float[] std) {
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.mean = mean;
    this.std = std;
  }

  /**
   * A decoder.
   *
   * @param channels 1 (grey) or 3 (RGB)
   * @param height the height to resize to, or 0 to keep each image's own
   * @param width the width to resize to, or 0 to keep each image's own (both or neither)
   * @param mean one value for every channel, or one per channel
   * @param std the same; every value positive
   * @return the decoder
   * @throws InvalidInputException for an unsupported channel count, size or normalisation
   */
  public static ImageDecoder of(int channels, int height, int width, float[] mean, float[] std) {
    if (channels != 1 && channels != 3) {
      throw new InvalidInputException("channels must be 1 or 3, got " + channels);
    }
    if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
      throw new InvalidInputException(
          "image size must be two positive numbers (or none), got " + height + "x" + width);
    }
    return new ImageDecoder(
        channels,
        height,
        width,
        perChannel("mean", mean, channels, false),
        perChannel("std", std, channels, true));
  }

  /**
   * Pixels in [0, 1], no resizing, no normalisation.
   *
   * @param channels 1 or 3
   * @return the decoder
   */
  public static ImageDecoder plain(int channels) {
    return of(channels, 0, 0, new float[] {0f}, new float[] {1f});
  }

  private static float[] perChannel(String what, float[] v, int channels, boolean positive) {
    if (v.length != 1 && v.length != channels) {
      throw new InvalidInputException(
          what + " needs 1 or " + channels + " values, got " + v.length);
    }
    for (float f : v) {
      if (!Float.isFinite(f) || (positive && f <= 0)) {
        throw new InvalidInputException(
            what + " values must be finite" + (positive ? " and positive" : "") + ", got " + f);
      }
    }
    float[] out = new float[channels];
    for (int c = 0; c < channels; c++) {
      out[c] = v.length == 1 ? v[0] : v[c];
    }
    return out;
  }

  /**
   * @return the channels of a decoded image
   */
  public int channels() {
    return channels;
  }

  /**
   * Decodes one image.
   *
   * @param path the file's name, for messages
   * @param bytes the file's content
   * @return the (C, H, W) sample
   * @throws InvalidInputException if no ImageIO reader decodes the bytes (a corrupt, truncated or
   *     unsupported file)
   */
  public Sample decode(String path, byte[] bytes) {
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      // ImageIO's readers fail with IIOException, EOFException or, on some corrupt streams,
      // unchecked exceptions; all mean the same here
      throw new InvalidInputException("cannot decode image " + path + ": " + reason(e), e);
    }
    if (image == null) {
      throw new InvalidInputException(
          "cannot decode image "
              + path
              + ": not an image format ImageIO reads (PNG, JPEG, BMP, GIF)");
    }
    int h = image.getHeight();
    int w = image.getWidth();
    float[] chw = pixels(image);
    int toH = height == 0 ? h : height;
    int toW = width == 0 ? w : width;
    chw = Resize.bilinear(chw, channels, h, w, toH, toW);
    int plane = toH * toW;
    for (int c = 0; c < channels; c++) {
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        chw[i] = (chw[i] - mean[c]) / std[c];
      }
    }
    return new Sample(path, 0, chw, new long[] {channels, toH, toW});
  }

  /** The image's pixels in [0, 1] as (channels, H, W). */
  private float[] pixels(BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    float[] out = new float[channels * h * w];
    Raster raster = image.getRaster();
    int bands = raster.getNumBands();
    if (image.getColorModel() instanceof IndexColorModel || bands > 4) {
      fromArgb(image, out, h, w);
      return out;
    }
    int bits = raster.getSampleModel().getSampleSize(0);
    float max = (float) ((1L << bits) - 1);
    boolean colour = bands >= 3;
    int[] px = new int[bands];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.getPixel(x, y, px);
        int at = y * w + x;
        if (channels == 3) {
          for (int c = 0; c < 3; c++) {
            out[c * h * w + at] = (colour ? px[c] : px[0]) / max;
          }
        } else {
          out[at] = (colour ? luma(px[0], px[1], px[2]) : px[0]) / max;
        }
      }
    }
    return out;
  }

  /** Palette (and unusual) images: through their colour model, 8 bits per channel. */
  private void fromArgb(BufferedImage image, float[] out, int h, int w) {
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = image.getRGB(x, y);
        int r = (argb >> 16) & 0xff;
        int g = (argb >> 8) & 0xff;
        int b = argb & 0xff;
        int at = y * w + x;
        if (channels == 3) {
          out[at] = r / 255f;
          out[h * w + at] = g / 255f;
          out[2 * h * w + at] = b / 255f;
        } else {
          out[at] = luma(r, g, b) / 255f;
        }
      }
    }
  }

  private static float luma(int r, int g, int b) {
    return 0.299f * r + 0.587f * g + 0.114f * b;
  }

  private static String reason(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank()
        ? e.getClass().getSimpleName()
        : m.lines().findFirst().orElse("").trim();
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%d channels, %s, mean %s, std %s",
        channels,
        height == 0 ? "own size" : height + "x" + width,
        Arrays.toString(mean),
        Arrays.toString(std));
  }
}
