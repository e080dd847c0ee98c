package dev.ibex.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * The rule for a command's input: exactly one of {@code --input}, {@code --text}, {@code
 * --text-file}.
 */
final class TextInputs {
  private TextInputs() {}

  /**
   * Checks that exactly one input is given, and a tokenizer with text.
   *
   * @param inputOption the ids file's option and label, e.g. {@code --input X.npy}
   * @param input its value, or null
   * @param texts {@code --text} values
   * @param textFile {@code --text-file}, or null
   * @param tokenizer {@code --tokenizer}, or null
   * @throws UsageException naming what is missing or too much
   */
  static void requireOne(
      String inputOption, Path input, List<String> texts, Path textFile, Path tokenizer) {
    String option = inputOption.split(" ")[0];
    int given = (input != null ? 1 : 0) + (texts.isEmpty() ? 0 : 1) + (textFile != null ? 1 : 0);
    if (given != 1) {
      throw new UsageException(
          given == 0
              ? "give the input: " + inputOption + ", --text TEXT or --text-file FILE"
              : "give one input: " + option + ", --text or --text-file, not several");
    }
    if (input == null && tokenizer == null) {
      throw new UsageException("--text and --text-file need --tokenizer tokenizer.json");
    }
    if (input != null && tokenizer != null) {
      throw new UsageException("--tokenizer goes with --text or --text-file, not " + option);
    }
  }
}
