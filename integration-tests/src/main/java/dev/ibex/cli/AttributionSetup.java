package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.io.Npy;
import dev.ibex.api.options.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What explain, evaluate and bench share once their options are parsed: tensors and method options.
 */
final class AttributionSetup {
  private AttributionSetup() {}

  static NDArray input(Path file, NDManager manager) throws IOException {
    return input(file, manager, "input");
  }

  /** A tensor file; {@code what} names the option in the message (e.g. "--masks"). */
  static NDArray input(Path file, NDManager manager, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(what + " file not found: " + file);
    }
    NDArray x = Npy.read(file, manager);
    // pixels as float32; integer token ids stay as they are
    return x.getDataType() == DataType.FLOAT64 ? x.toType(DataType.FLOAT32, false) : x;
  }

  /**
   * An attributor's options from {@code key=value} settings, plus {@code --layer}.
   *
   * @param layer the layer, or {@code null} for none
   */
  static Options options(Attributor attributor, Map<String, String> settings, String layer) {
    Options o = attributor.options().parse(settings);
    if (layer != null) {
      if (attributor.options().specs().stream().noneMatch(s -> s.name().equals("layer"))) {
        throw new UsageException("method '" + attributor.name() + "' takes no --layer");
      }
      o = o.withText("layer", layer);
    }
    return o;
  }
}
