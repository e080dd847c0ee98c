package dev.ibex.spark;

import dev.ibex.api.host.Devices;
import dev.ibex.api.model.TorchScriptModel;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * A TorchScript model as a job names it, the same on the driver and every executor.
 *
 * @param file the {@code .pt} file: a path every executor can read (shared storage), or a file
 *     shipped with {@code spark-submit --files}, found by its name in the executor's work directory
 * @param entry the method that plays {@code forward}, or {@code null}
 * @param tailTakesInput whether the split points take the input too
 * @param layers split points the model offers
 * @param device {@code cpu}, {@code gpu}, {@code gpuN}, or {@code null} for the engine's default
 * @param output the output to explain when the model returns several (a dict's key, or a tuple's
 *     index in digits), or {@code null}
 */
record ModelSpec(
    String file,
    String entry,
    boolean tailTakesInput,
    List<String> layers,
    String device,
    String output)
    implements Serializable {

  ModelSpec {
    layers = List.copyOf(layers);
  }

  /**
   * Loads the model here.
   *
   * @return the model; close it when done
   * @throws dev.ibex.api.IbexException "model file not found: FILE" or "cannot load TorchScript
   *     model FILE: …", or a device that is not here
   */
  TorchScriptModel load() {
    TorchScriptModel.Builder b =
        TorchScriptModel.builder(resolve())
            .device(device == null ? null : Devices.parse(device))
            .forwardMethod(entry)
            .tailTakesInput(tailTakesInput)
            .layers(layers);
    if (output != null) {
      // digits are a tuple's index: a dict's key is a name
      if (output.matches("\\d{1,9}")) {
        b.output(Integer.parseInt(output));
      } else {
        b.output(output);
      }
    }
    return b.load();
  }

  /** The file as given where it exists, else the one {@code --files} put beside the executor. */
  private Path resolve() {
    Path given = Path.of(file);
    if (Files.isRegularFile(given) || SparkEnv.get() == null) {
      return given;
    }
    Path shipped = Path.of(SparkFiles.get(given.getFileName().toString()));
    return Files.isRegularFile(shipped) ? shipped : given;
  }
}
