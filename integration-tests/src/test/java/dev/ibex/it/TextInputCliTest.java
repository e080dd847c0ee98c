package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explain --text/--text-file --tokenizer}: texts tokenised by a tokenizer.json, explained,
 * and shown as word pieces on the page and in the JSON.
 */
class TextInputCliTest {
  @TempDir Path dir;

  private static List<String> errorLines(CliRun run) {
    return run.err().lines().filter(l -> !l.startsWith("ibex: warning")).toList();
  }

  @Test
  void clipTextTowerFromTextsShowsWords() throws IOException {
    Path clip = Fixtures.copy("/parity/clip/clip.pt", dir);
    Path tokenizer = Fixtures.copy("/parity/clip/tokenizer.json", dir);
    Path images = Fixtures.copy("/parity/clip/image_embeddings.npy", dir);
    Path json = dir.resolve("a.json");
    CliRun.of(
            "explain",
            "--model",
            clip.toString(),
            "--entry",
            "encode_text",
            "--text",
            "a photo of a dog",
            "--text",
            "a cat in the snow",
            "--text",
            "red car",
            "--tokenizer",
            tokenizer.toString(),
            "--method",
            "chefer",
            "--set",
            "modality=text",
            "--cosine-to",
            images.toString(),
            "--out",
            dir.resolve("a.npy").toString(),
            "--png",
            dir.resolve("page").toString(),
            "--json",
            json.toString())
        .succeeded();
    String page = Files.readString(dir.resolve("page/index.html"));
    assertThat(page).contains(">photo<").contains(">snow<").contains("&lt;|endoftext|&gt;");
    JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertThat(root.get("method").getAsString()).isEqualTo("chefer");
    JsonArray first = root.getAsJsonArray("samples").get(0).getAsJsonArray();
    assertThat(first.get(2).getAsJsonObject().get("token").getAsString()).isEqualTo("photo");
    assertThat(first.get(2).getAsJsonObject().get("id").getAsLong()).isEqualTo(4);
    // "red car" is padded to the longest text with id 0, shown as no word
    JsonArray third = root.getAsJsonArray("samples").get(2).getAsJsonArray();
    assertThat(third.size()).isEqualTo(7);
    assertThat(third.get(6).getAsJsonObject().get("token").getAsString()).isEmpty();
  }

  @Test
  void textClassifierFromAFileOfLinesWithItsMask() throws IOException {
    Path model = Fixtures.copy("/parity/text/model.pt", dir);
    Path tokenizer = Fixtures.copy("/parity/text/tokenizer.json", dir);
    Path lines =
        Files.writeString(dir.resolve("reviews.txt"), "great movies\n\nacting was so dull\n");
    Path json = dir.resolve("ig.json");
    CliRun.of(
            "explain",
            "--model",
            model.toString(),
            "--pad-id",
            "0",
            "--text-file",
            lines.toString(),
            "--tokenizer",
            tokenizer.toString(),
            "--method",
            "integrated-gradients",
            "--set",
            "embedding=embed",
            "--set",
            "keep-tokens=1,2",
            "--target",
            "1",
            "--out",
            dir.resolve("ig.npy").toString(),
            "--json",
            json.toString())
        .succeeded();
    JsonArray samples =
        JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("samples");
    assertThat(samples.size()).isEqualTo(2);
    JsonArray first = samples.get(0).getAsJsonArray();
    assertThat(first.get(2).getAsJsonObject().get("token").getAsString()).isEqualTo("movie");
    assertThat(first.get(3).getAsJsonObject().get("token").getAsString()).isEqualTo("##s");
    // [CLS] and [SEP] are kept in the reference, the padding is masked: all three score 0
    for (int t : new int[] {0, 4, 5, 6}) {
      assertThat(first.get(t).getAsJsonObject().get("score").getAsDouble())
          .as("token %d", t)
          .isZero();
    }
  }

  @Test
  void badTextInputsAreOneLine() throws IOException {
    Path clip = Fixtures.copy("/parity/clip/clip.pt", dir);
    String out = dir.resolve("a.npy").toString();
    CliRun noTokenizer =
        CliRun.of(
            "explain",
            "--model",
            clip.toString(),
            "--entry",
            "encode_text",
            "--text",
            "a dog",
            "--method",
            "saliency",
            "--out",
            out);
    assertThat(noTokenizer.code()).isEqualTo(2);
    assertThat(errorLines(noTokenizer))
        .singleElement()
        .asString()
        .contains("--text and --text-file need --tokenizer tokenizer.json");
    CliRun missing =
        CliRun.of(
            "explain",
            "--model",
            clip.toString(),
            "--entry",
            "encode_text",
            "--text",
            "a dog",
            "--tokenizer",
            dir.resolve("nope.json").toString(),
            "--method",
            "saliency",
            "--out",
            out);
    assertThat(missing.code()).isEqualTo(2);
    assertThat(errorLines(missing)).singleElement().asString().contains("tokenizer file not found");
    Path corrupt = Files.writeString(dir.resolve("bad.json"), "not a tokenizer");
    CliRun bad =
        CliRun.of(
            "explain",
            "--model",
            clip.toString(),
            "--entry",
            "encode_text",
            "--text",
            "a dog",
            "--tokenizer",
            corrupt.toString(),
            "--method",
            "saliency",
            "--out",
            out);
    assertThat(bad.code()).isEqualTo(2);
    assertThat(errorLines(bad)).singleElement().asString().contains("cannot read tokenizer");
    CliRun none =
        CliRun.of("explain", "--model", clip.toString(), "--method", "saliency", "--out", out);
    assertThat(none.code()).isEqualTo(2);
    assertThat(errorLines(none))
        .singleElement()
        .asString()
        .contains("give the input: --input X.npy, --text TEXT or --text-file FILE");
    assertThat(dir.resolve("a.npy")).doesNotExist();
  }
}
