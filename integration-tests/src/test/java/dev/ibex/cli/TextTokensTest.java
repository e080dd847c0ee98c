package dev.ibex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ibex.api.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Texts through the project's tokenizer.json files (make_tokenizers.py) with DJL's Hugging Face
 * tokenizers: text to ids to the word pieces shown, padding, and bad tokenizer files.
 */
class TextTokensTest {
  @TempDir Path dir;

  private Path tokenizer(String model) throws IOException {
    Path p = dir.resolve(model + "-tokenizer.json");
    try (InputStream in = getClass().getResourceAsStream("/parity/" + model + "/tokenizer.json")) {
      assertThat(in).isNotNull();
      Files.copy(in, p);
    }
    return p;
  }

  @Test
  void theToyClipsSimpleTokenizerRoundTrips() throws IOException {
    TextTokens t =
        TextTokens.encode(
            tokenizer("clip"), List.of("A photo of a dog", "a zebra on the grass."), 0);
    assertThat(t.pieces().get(0))
        .containsExactly("<|startoftext|>", "a", "photo", "of", "a", "dog", "<|endoftext|>");
    // the shorter text is padded to the longest with the pad id, and shows no piece there
    assertThat(t.ids()[0]).containsExactly(0, 1, 4, 8, 1, 13, 63, 0);
    assertThat(t.piece(0, 7)).isEqualTo(TextTokens.PADDING);
    // an unknown word is <|unk|> (62), punctuation is a word; EOT stays the highest id
    assertThat(t.pieces().get(1))
        .containsExactly(
            "<|startoftext|>", "a", "<|unk|>", "on", "the", "grass", "<|unk|>", "<|endoftext|>");
    assertThat(t.ids()[1]).hasSize(8).contains(62).endsWith(63);
  }

  @Test
  void wordPiecesAreShownAsTheTokenizerWritesThem() throws IOException {
    TextTokens t = TextTokens.encode(tokenizer("text"), List.of("movies", "Acting was great!"), 0);
    assertThat(t.pieces().get(0)).containsExactly("[CLS]", "movie", "##s", "[SEP]");
    assertThat(t.pieces().get(1))
        .containsExactly("[CLS]", "act", "##ing", "was", "great", "[UNK]", "[SEP]");
    assertThat(t.ids()[0]).containsExactly(1, 9, 26, 2, 0, 0, 0);
    assertThat(t.piece(0, 5)).isEqualTo(TextTokens.PADDING);
  }

  @Test
  void aMissingOrCorruptTokenizerIsOneLine() throws IOException {
    assertThatThrownBy(() -> TextTokens.encode(dir.resolve("none.json"), List.of("a"), 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("tokenizer file not found: " + dir.resolve("none.json"));
    Path corrupt = Files.writeString(dir.resolve("corrupt.json"), "{\"model\": [1, 2");
    assertThatThrownBy(() -> TextTokens.encode(corrupt, List.of("a"), 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("cannot read tokenizer " + corrupt + ": ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aTextFileGivesOneTextPerNonBlankLine() throws IOException {
    Path f = Files.writeString(dir.resolve("t.txt"), "a dog\n\n  a cat  \n");
    assertThat(TextTokens.lines(f)).containsExactly("a dog", "a cat");
  }
}
