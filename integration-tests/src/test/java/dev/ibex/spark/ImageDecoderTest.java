package dev.ibex.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ibex.api.InvalidInputException;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Image bytes to model inputs: bit depth, channels, resizing, normalisation, bad files. */
class ImageDecoderTest {
  @Test
  void rgbPixelsAreScaledByTheirBitDepthAndNormalisedPerChannel() throws IOException {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xff8000); // (255, 128, 0)
    image.setRGB(1, 0, 0x0000ff);
    ImageDecoder decoder =
        ImageDecoder.of(3, 0, 0, new float[] {0.5f, 0f, 0f}, new float[] {0.5f, 1f, 2f});
    Sample s = decoder.decode("a.png", png(image));
    assertThat(s.shape()).containsExactly(3, 1, 2);
    assertThat(s.values())
        .containsExactly((1f - 0.5f) / 0.5f, (0f - 0.5f) / 0.5f, 128 / 255f, 0f, 0f, 1f / 2f);
  }

  @Test
  void greyPngsKeepTheirValuesWithoutJavasColourConversion() throws IOException {
    // Java's getRGB would turn grey 100 into 168 (linear grey to sRGB)
    BufferedImage grey = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(0, 0, 0, 100);
    assertThat(ImageDecoder.plain(1).decode("g.png", png(grey)).values())
        .containsExactly(100 / 255f);
    assertThat(ImageDecoder.plain(3).decode("g.png", png(grey)).values())
        .containsExactly(100 / 255f, 100 / 255f, 100 / 255f);
    BufferedImage deep = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
    deep.getRaster().setSample(0, 0, 0, 65535);
    assertThat(ImageDecoder.plain(1).decode("d.png", png(deep)).values()).containsExactly(1f);
  }

  @Test
  void colourToGreyIsLumaAndPalettesAreLookedUp() throws IOException {
    BufferedImage rgb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(0, 0, 0x64c832); // (100, 200, 50)
    assertThat(ImageDecoder.plain(1).decode("c.png", png(rgb)).values())
        .containsExactly((0.299f * 100 + 0.587f * 200 + 0.114f * 50) / 255f);
    byte[] r = {0, (byte) 200};
    byte[] g = {0, 10};
    byte[] b = {0, 20};
    BufferedImage indexed =
        new BufferedImage(
            1, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g, b));
    indexed.getRaster().setSample(0, 0, 0, 1);
    assertThat(ImageDecoder.plain(3).decode("p.png", png(indexed)).values())
        .containsExactly(200 / 255f, 10 / 255f, 20 / 255f);
  }

  @Test
  void resizingHalvesAsTorchBilinearDoesAveragingTwoByTwoBlocks() throws IOException {
    BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
    int[] v = {0, 40, 80, 120, 200, 240, 160, 0};
    for (int i = 0; i < v.length; i++) {
      image.getRaster().setSample(i % 4, i / 4, 0, v[i]);
    }
    Sample s =
        ImageDecoder.of(1, 1, 2, new float[] {0f}, new float[] {1f}).decode("r.png", png(image));
    assertThat(s.shape()).containsExactly(1, 1, 2);
    assertThat(s.values())
        .containsExactly((0 + 40 + 200 + 240) / 4f / 255f, (80 + 120 + 160 + 0) / 4f / 255f);
    float[] same = {1, 2, 3, 4};
    assertThat(Resize.bilinear(same, 1, 2, 2, 2, 2)).isSameAs(same);
    // upsampling 1x2 -> 1x4: half-pixel centres, edges clamped (torch: [1, 1.25, 1.75, 2])
    assertThat(Resize.bilinear(new float[] {1, 2}, 1, 1, 2, 1, 4))
        .containsExactly(1f, 1.25f, 1.75f, 2f);
  }

  @Test
  void aCorruptOrForeignFileIsNamedWithTheReason() throws IOException {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    byte[] good = png(image);
    byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
    assertThatThrownBy(() -> ImageDecoder.plain(3).decode("t.png", truncated))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("cannot decode image t.png: ");
    byte[] text = "not an image".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> ImageDecoder.plain(3).decode("n.png", text))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "cannot decode image n.png: not an image format ImageIO reads (PNG, JPEG, BMP, GIF)");
  }

  @Test
  void badSettingsAreRefusedNamingThem() {
    float[] one = {1f};
    assertThatThrownBy(() -> ImageDecoder.of(2, 0, 0, one, one))
        .hasMessage("channels must be 1 or 3, got 2");
    assertThatThrownBy(() -> ImageDecoder.of(3, 32, 0, one, one))
        .hasMessage("image size must be two positive numbers (or none), got 32x0");
    assertThatThrownBy(() -> ImageDecoder.of(3, 0, 0, new float[] {0f, 0f}, one))
        .hasMessage("mean needs 1 or 3 values, got 2");
    assertThatThrownBy(() -> ImageDecoder.of(3, 0, 0, one, new float[] {0f}))
        .hasMessage("std values must be finite and positive, got 0.0");
  }

  static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, "png", out)).isTrue();
    return out.toByteArray();
  }
}
