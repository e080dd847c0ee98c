package dev.ibex.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Compares two {@code .npy} arrays by relative L∞ error, {@code max|a − b| / max|b|}, in float64
 * (not a test: the GPU check compares what ran on the GPU with the parity references). Prints the
 * error and exits 1 when it is not below the tolerance or the shapes differ.
 *
 * <p>Usage: {@code NpyCompare ACTUAL.npy REFERENCE.npy TOLERANCE}.
 */
public final class NpyCompare {
  private NpyCompare() {}

  /**
   * Compares the arrays.
   *
   * @param args actual, reference, tolerance
   * @throws IOException if a file cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: NpyCompare ACTUAL.npy REFERENCE.npy TOLERANCE");
      System.exit(2);
    }
    double tolerance = Double.parseDouble(args[2]);
    boolean pass;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = Npy.read(Path.of(args[0]), m).toType(DataType.FLOAT64, false);
      NDArray b = Npy.read(Path.of(args[1]), m).toType(DataType.FLOAT64, false);
      if (!a.getShape().equals(b.getShape())) {
        System.out.printf(
            "%s: shape %s, reference %s: FAIL%n", args[0], a.getShape(), b.getShape());
        System.exit(1);
      }
      double error = a.sub(b).abs().max().getDouble() / b.abs().max().getDouble();
      pass = error < tolerance;
      System.out.printf(
          Locale.ROOT,
          "%s: relative Linf %.3g (tolerance %.0e) %s%n",
          args[0],
          error,
          tolerance,
          pass ? "ok" : "FAIL");
    }
    System.exit(pass ? 0 : 1);
  }
}
