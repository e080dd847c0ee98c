package dev.ibex.metrics.consistency;

/**
 * Keeps only the low or high spatial frequencies of an image (Wang et al., "High-frequency
 * Component Helps Explain the Generalization of Convolutional Neural Networks", CVPR 2020): per
 * channel, the 2-D discrete Fourier transform is centred ({@code fftshift}), the coefficients at
 * distance {@code < r} from the centre are kept (low-pass) or those at distance {@code ≥ r}
 * (high-pass), and the real part of the inverse transform is the filtered image. Direct separable
 * DFT: exact, and fast enough for the image sizes metrics use.
 */
final class FrequencyFilter {
  private FrequencyFilter() {}

  static float[] filter(float[] image, int channels, int h, int w, double radius, boolean lowPass) {
    float[] out = new float[image.length];
    boolean[] keep = new boolean[h * w];
    for (int u = 0; u < h; u++) {
      for (int v = 0; v < w; v++) {
        // position of frequency (u, v) after fftshift, and its distance from the centre
        int su = (u + h / 2) % h;
        int sv = (v + w / 2) % w;
        double d = Math.sqrt((su - h / 2.0) * (su - h / 2.0) + (sv - w / 2.0) * (sv - w / 2.0));
        keep[u * w + v] = lowPass ? d < radius : d >= radius;
      }
    }
    for (int c = 0; c < channels; c++) {
      double[] re = new double[h * w];
      double[] im = new double[h * w];
      for (int p = 0; p < h * w; p++) {
        re[p] = image[c * h * w + p];
      }
      dft2(re, im, h, w, -1);
      for (int p = 0; p < h * w; p++) {
        if (!keep[p]) {
          re[p] = 0;
          im[p] = 0;
        }
      }
      dft2(re, im, h, w, 1);
      for (int p = 0; p < h * w; p++) {
        out[c * h * w + p] = (float) (re[p] / (h * w));
      }
    }
    return out;
  }

  /** In-place unnormalised 2-D DFT with exponent sign {@code sign}. */
  private static void dft2(double[] re, double[] im, int h, int w, int sign) {
    double[] rr = new double[Math.max(h, w)];
    double[] ii = new double[Math.max(h, w)];
    for (int y = 0; y < h; y++) {
      dft1(re, im, y * w, 1, w, sign, rr, ii);
    }
    for (int x = 0; x < w; x++) {
      dft1(re, im, x, w, h, sign, rr, ii);
    }
  }

  private static void dft1(
      double[] re, double[] im, int off, int stride, int n, int sign, double[] rr, double[] ii) {
    // twiddle factors e^{sign·2πi·j/n}, indexed by (k·t) mod n
    double[] cos = new double[n];
    double[] sin = new double[n];
    for (int j = 0; j < n; j++) {
      cos[j] = Math.cos(sign * 2 * Math.PI * j / n);
      sin[j] = Math.sin(sign * 2 * Math.PI * j / n);
    }
    for (int k = 0; k < n; k++) {
      double sr = 0;
      double si = 0;
      for (int t = 0; t < n; t++) {
        int j = (int) ((long) k * t % n);
        double a = re[off + t * stride];
        double b = im[off + t * stride];
        sr += a * cos[j] - b * sin[j];
        si += a * sin[j] + b * cos[j];
      }
      rr[k] = sr;
      ii[k] = si;
    }
    for (int k = 0; k < n; k++) {
      re[off + k * stride] = rr[k];
      im[off + k * stride] = ii[k];
    }
  }
}
