package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code .npy} tensors explain, evaluate and bench read: inputs, attributions and masks. */
final class TensorFiles {
  private TensorFiles() {}

  static NDArray read(Path file, NDManager manager) throws IOException {
    return read(file, manager, "input");
  }

  /**
   * A model's input batch: pixels in the model's float type (float64 for a file ibex-export wrote
   * in float64, else float32); integer token ids as they are.
   */
  static NDArray readInput(Path file, NDManager manager, TorchScriptModel model)
      throws IOException {
    NDArray x = read(file, manager, "input");
    return inFloat64(model) && x.getDataType().isFloating() ? x.toType(DataType.FLOAT64, false) : x;
  }

  /** Whether ibex-export wrote the model in float64 (its pixels must be float64 too). */
  static boolean inFloat64(TorchScriptModel model) {
    return model
        .metadata()
        .map(m -> m.input() != null && "float64".equals(m.input().dtype()))
        .orElse(false);
  }

  /** A tensor file; {@code what} names the option in the message (e.g. "--masks"). */
  static NDArray read(Path file, NDManager manager, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(what + " file not found: " + file);
    }
    NDArray x = Npy.read(file, manager);
    // pixels as float32; integer token ids stay as they are
    return x.getDataType() == DataType.FLOAT64 ? x.toType(DataType.FLOAT32, false) : x;
  }
}
