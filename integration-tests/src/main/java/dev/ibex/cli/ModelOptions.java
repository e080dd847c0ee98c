package dev.ibex.cli;

import dev.ibex.api.model.AttentionMaskedModel;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.TorchScriptModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The model a command runs: {@code --model M.pt [--entry METHOD] [--tail-takes-input]
 * [--model-output NAME|I] [--pad-id ID]}. A mixin where the model is required (explain, bench), an
 * argument group where it is optional (evaluate: {@code --entry} still needs {@code --model}).
 */
final class ModelOptions {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "M.pt",
      description = "the TorchScript model")
  Path file;

  @Option(
      names = "--entry",
      paramLabel = "METHOD",
      description = "the model's method that plays forward, e.g. encode_image (default: forward)")
  String entry;

  @Option(
      names = "--tail-takes-input",
      description = "the model's split points take the input too: from_<layer>(h, ids)")
  boolean tailTakesInput;

  @Option(
      names = "--model-output",
      paramLabel = "NAME|I",
      description =
          "the output to explain when the model returns several: a dict's key, such as out, or"
              + " a tuple's index")
  String output;

  @Option(
      names = "--pad-id",
      paramLabel = "ID",
      description =
          "a token model whose methods take an attention mask last: derive it from the ids (0 where"
              + " the id is ID) and pass it to every method")
  Long padId;

  /**
   * Loads the model on the host's device. No layers are declared: TorchScript cannot list its
   * methods, and {@code --layer} is what is being asked for, not something known to exist.
   */
  ExplainableModel load(Host host) {
    TorchScriptModel.Builder builder =
        TorchScriptModel.builder(file)
            .device(host.device())
            .forwardMethod(entry)
            .tailTakesInput(tailTakesInput);
    if (output != null) {
      // digits are a tuple's index: a dict's key is a name
      if (output.matches("\\d{1,9}")) {
        builder.output(Integer.parseInt(output));
      } else {
        builder.output(output);
      }
    }
    TorchScriptModel loaded = builder.load();
    return padId == null ? loaded : AttentionMaskedModel.wrap(loaded, padId);
  }
}
