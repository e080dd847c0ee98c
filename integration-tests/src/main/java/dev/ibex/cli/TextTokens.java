package dev.ibex.cli;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Texts as a token model sees them: ids from a Hugging Face {@code tokenizer.json} (DJL's binding
 * of the {@code tokenizers} library, its native library bundled, nothing downloaded), padded to the
 * longest text, and the word pieces each id stands for, which pages and JSON show instead of ids.
 *
 * @param ids the token ids, one row per text
 * @param pieces each text's tokens as the tokenizer writes them (special tokens included)
 */
record TextTokens(long[][] ids, List<List<String>> pieces) {

  /** The padding shown for ids beyond a text's own tokens. */
  static final String PADDING = "";

  /**
   * Tokenises texts with a tokenizer file.
   *
   * @param tokenizer a {@code tokenizer.json}
   * @param texts the texts, at least one
   * @param padId the id that pads shorter texts to the longest
   * @return ids and word pieces
   * @throws InvalidInputException if the file is missing or not a tokenizer, or a text is empty
   */
  static TextTokens encode(Path tokenizer, List<String> texts, long padId) {
    if (!Files.isRegularFile(tokenizer)) {
      throw new InvalidInputException("tokenizer file not found: " + tokenizer);
    }
    if (texts.isEmpty()) {
      throw new InvalidInputException(
          "no text to explain: give --text or a --text-file with lines");
    }
    List<long[]> rows = new ArrayList<>();
    List<List<String>> pieces = new ArrayList<>();
    try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tokenizer, Map.of())) {
      for (String text : texts) {
        Encoding e = t.encode(text);
        if (e.getIds().length == 0) {
          throw new InvalidInputException("the text '" + text + "' has no tokens");
        }
        rows.add(e.getIds());
        pieces.add(List.of(e.getTokens()));
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidInputException) {
        throw (InvalidInputException) e;
      }
      throw new InvalidInputException(
          "cannot read tokenizer " + tokenizer + ": " + firstLine(e.getMessage()), e);
    }
    int length = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    long[][] ids = new long[rows.size()][length];
    for (int i = 0; i < ids.length; i++) {
      java.util.Arrays.fill(ids[i], padId);
      System.arraycopy(rows.get(i), 0, ids[i], 0, rows.get(i).length);
    }
    return new TextTokens(ids, pieces);
  }

  /**
   * Reads texts from a file, one per non-blank line (UTF-8).
   *
   * @param file the file
   * @return its lines, stripped, blank ones left out
   */
  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new InvalidInputException("cannot read text file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * @param manager where the array goes
   * @return the ids as an int64 (texts, longest) array
   */
  NDArray toArray(NDManager manager) {
    long[] flat = new long[ids.length * ids[0].length];
    for (int i = 0; i < ids.length; i++) {
      System.arraycopy(ids[i], 0, flat, i * ids[0].length, ids[0].length);
    }
    return manager.create(flat, new Shape(ids.length, ids[0].length));
  }

  /**
   * @param sample a text
   * @param position a token position
   * @return the word piece there, or {@link #PADDING} beyond the text
   */
  String piece(int sample, int position) {
    List<String> p = pieces.get(sample);
    return position < p.size() ? p.get(position) : PADDING;
  }

  private static String firstLine(String message) {
    String m = String.valueOf(message);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
