package dev.ibex.training.sib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.spi.Hsic;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pieces of S-IB against plain-Java references and on an input with a known blob. */
class SpatialIbPartsTest {
  @Test
  void softQuantileIsTheOrderStatisticAtLowTemperature() {
    try (NDManager m = NDManager.newBaseManager()) {
      SoftMask mask = new SoftMask(0.05, 0.95, 0.8, 10, 3, 0.1);
      double[] v = new double[101];
      Random r = new Random(1);
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextDouble();
      }
      NDArray row = m.create(v).reshape(1, 101);
      double[] sorted = v.clone();
      java.util.Arrays.sort(sorted);
      // q·(n−1) = 80 is an index: weights e^{-|i-80|/0.1} put all but ~2e-4·|neighbours| on it
      assertThat(mask.softQuantile(row, 0.8).getDouble()).isCloseTo(sorted[80], offset(1e-4));
      // between two indices the weights are symmetric: the mean of the neighbours
      assertThat(mask.softQuantile(row, 0.805).getDouble())
          .isCloseTo((sorted[80] + sorted[81]) / 2, offset(1e-6));
    }
  }

  @Test
  void separableDensityEqualsTheDirectBoxAverage() {
    try (NDManager m = NDManager.newBaseManager()) {
      SoftMask mask = new SoftMask(0.05, 0.95, 0.8, 10, 31, 0.1);
      NDArray s = m.randomUniform(0, 1, new Shape(3, 1, 56, 56)).toType(DataType.FLOAT64, false);
      NDArray diff = mask.density(s).sub(mask.densityDirect(s)).abs().max();
      assertThat(diff.getDouble()).isLessThan(1e-12);
      // a corner pixel averages its 16x16 in-image neighbours over 961 window cells
      double corner = 0;
      double[] v = s.toDoubleArray();
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          corner += v[y * 56 + x];
        }
      }
      assertThat(mask.density(s).toDoubleArray()[0]).isCloseTo(corner / 961, offset(1e-12));
    }
  }

  @Test
  void hsicMatchesAPlainJavaReference() {
    try (NDManager m = NDManager.newBaseManager()) {
      Random r = new Random(2);
      int n = 6;
      int d = 5;
      double[][] a = new double[n][d];
      double[][] b = new double[n][d];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          a[i][j] = r.nextGaussian();
          b[i][j] = a[i][j] * 0.5 + r.nextGaussian();
        }
      }
      double expected = referenceHsic(a, b);
      NDArray got = Hsic.linear(m.create(a), m.create(b));
      assertThat(got.toType(DataType.FLOAT64, false).getDouble()).isCloseTo(expected, offset(1e-6));
      assertThat(expected).isGreaterThan(0);
    }
  }

  private static double referenceHsic(double[][] a, double[][] b) {
    int n = a.length;
    double[][] k = gram(normalise(a));
    double[][] l = gram(normalise(b));
    double[][] h = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        h[i][j] = (i == j ? 1 : 0) - 1.0 / n;
      }
    }
    double[][] khlh = mul(mul(mul(k, h), l), h);
    double tr = 0;
    for (int i = 0; i < n; i++) {
      tr += khlh[i][i];
    }
    return tr / ((n - 1.0) * (n - 1.0));
  }

  private static double[][] normalise(double[][] x) {
    double[][] o = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double s = 0;
      for (double v : x[i]) {
        s += v * v;
      }
      double norm = Math.max(Math.sqrt(s), 1e-12);
      o[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        o[i][j] = x[i][j] / norm;
      }
    }
    return o;
  }

  private static double[][] gram(double[][] x) {
    int n = x.length;
    double[][] g = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < x[i].length; k++) {
          g[i][j] += x[i][k] * x[j][k];
        }
      }
    }
    return g;
  }

  private static double[][] mul(double[][] p, double[][] q) {
    int n = p.length;
    double[][] o = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          o[i][j] += p[i][k] * q[k][j];
        }
      }
    }
    return o;
  }

  @Test
  void maskCoversAConcentratedVjpAndTermsBehave() {
    try (NDManager m = NDManager.newBaseManager()) {
      // R large on an 8x8 blob at the top-left of a 32x32 map, small noise elsewhere
      float[] r = new float[2 * 32 * 32];
      Random rnd = new Random(3);
      for (int s = 0; s < 2; s++) {
        for (int y = 0; y < 32; y++) {
          for (int x = 0; x < 32; x++) {
            r[s * 1024 + y * 32 + x] =
                (y < 8 && x < 8 ? 1f : 0f) + 0.01f * (float) rnd.nextGaussian();
          }
        }
      }
      NDArray rArr = m.create(r, new Shape(2, 1, 32, 32)).toType(DataType.FLOAT64, false);
      SpatialIb plugin = new SpatialIb();
      SpatialIbTerm term =
          (SpatialIbTerm) plugin.create(plugin.options().defaults().with("density-kernel", 7));
      SpatialIbTerm.Parts parts = term.parts(rArr, rArr);
      float[] mask = parts.mask().toType(DataType.FLOAT32, false).toFloatArray();
      assertThat(mask[3 * 32 + 3]).as("inside the blob").isGreaterThan(0.9f);
      // the reference head is soft (slope 10): background sits near sigmoid(10·(density − q0.8))
      // ≈ 0.5
      assertThat(mask[28 * 32 + 28]).as("far from the blob").isLessThan(0.6f);
      assertThat(mask[3 * 32 + 3] - mask[28 * 32 + 28]).isGreaterThan(0.3f);
      for (float v : mask) {
        assertThat(v).isBetween(0f, 1f);
      }
      assertThat(parts.bgVariance().toType(DataType.FLOAT64, false).getDouble())
          .isGreaterThan(0)
          .isLessThan(0.01);
    }
  }
}
