package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in process: listing, explaining, and one clear line for every kind of bad input. */
class CliTest {
  @TempDir Path dir;
  ModelFiles plain;
  Path y;

  @BeforeEach
  void fixtures() throws IOException {
    plain = ModelFiles.plain(dir);
    y = Fixtures.copy("/parity/plain/y.npy", dir);
  }

  @Test
  void listShowsPluginsWithOptions() {
    CliRun run = CliRun.of("list");
    assertThat(run.code()).isZero();
    assertThat(run.out())
        .contains("attributors:")
        .contains("saliency - ")
        .contains("abs (boolean, default true)");
  }

  @Test
  void listJsonIsMachineReadable() {
    CliRun run = CliRun.of("list", "--json");
    assertThat(run.code()).isZero();
    JsonArray all = JsonParser.parseString(run.out()).getAsJsonArray();
    JsonElement saliency = null;
    for (JsonElement e : all) {
      if (e.getAsJsonObject().get("name").getAsString().equals("saliency")) {
        saliency = e;
      }
    }
    assertThat(saliency).isNotNull();
    assertThat(saliency.getAsJsonObject().get("kind").getAsString()).isEqualTo("attributor");
    assertThat(
            saliency
                .getAsJsonObject()
                .getAsJsonArray("options")
                .get(0)
                .getAsJsonObject()
                .get("name")
                .getAsString())
        .isEqualTo("abs");
  }

  @Test
  void explainWritesCaptumsSaliencyAndHeatmaps() throws IOException {
    Path out = dir.resolve("a.npy");
    Path png = dir.resolve("png");
    CliRun run =
        CliRun.of(
                plain.explain("saliency", out, "--targets", y.toString(), "--png", png.toString()))
            .succeeded();
    assertThat(run.out())
        .contains("saliency (4, 3, 32, 32) PIXEL")
        .contains("passes/image=1/1 (batch 4/4)");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = Npy.read(out, m);
      NDArray ref = Npy.read(Fixtures.copy("/parity/plain/saliency.npy", dir), m);
      assertThat(a.getShape()).isEqualTo(new Shape(4, 3, 32, 32));
      assertThat(a.sub(ref).abs().max().getFloat() / ref.abs().max().getFloat()).isLessThan(1e-5f);
    }
    assertThat(png.resolve("index.html")).exists();
    assertThat(png.resolve("saliency-0.png")).exists();
    assertThat(Files.readString(png.resolve("index.html"))).contains("saliency-3.png");
  }

  /** Where a refused run must leave no result. */
  private Path badOut() {
    return dir.resolve("bad.npy");
  }

  /** {@code explain} of the plain model on its batch with {@code method}, to {@link #badOut}. */
  private CliRun explain(String method, String... extra) {
    return explain(plain.input(), method, extra);
  }

  /**
   * {@code explain} of the plain model on {@code input} with {@code method}, to {@link #badOut}.
   */
  private CliRun explain(Path input, String method, String... extra) {
    return CliRun.of(plain.withInput(input).explain(method, badOut(), extra));
  }

  /** A command that writes a directory, given {@link #badOut} as its {@code --out}. */
  private CliRun runToBadOut(String... args) {
    return CliRun.of(CliArgs.join(args, "--out", badOut().toString()));
  }

  private void assertUserError(CliRun run, String message) {
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(2);
    assertThat(run.err().lines().filter(l -> !l.startsWith("ibex: warning")))
        .first()
        .asString()
        .startsWith("ibex: ")
        .contains(message);
    assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(badOut()).doesNotExist();
  }

  @Test
  void wrongRankIsAOneLineError() throws IOException {
    Path x3 = Fixtures.npy(dir.resolve("x3.npy"), m -> m.zeros(new Shape(3, 32, 32)));
    assertUserError(
        explain(x3, "saliency"), "input must have rank 4 (N, C, H, W), got rank 3 (3, 32, 32)");
  }

  @Test
  void nanInInputIsAOneLineError() throws IOException {
    Path xn = dir.resolve("xn.npy");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.zeros(new Shape(1, 3, 32, 32));
      a.set(new ai.djl.ndarray.index.NDIndex("0, 1, 2, 3"), Float.NaN);
      Npy.write(a, xn);
    }
    assertUserError(explain(xn, "saliency"), "input contains 1 NaN value(s)");
  }

  @Test
  void targetOutOfRangeIsAOneLineError() {
    assertUserError(
        explain("saliency", "--target", "10"),
        "target class 10 of sample 0 is out of range [0, 9]");
  }

  @Test
  void unknownMethodListsTheAvailableOnes() {
    assertUserError(explain("nope"), "unknown attributor 'nope'; available: ");
  }

  @Test
  void unknownOrBadOptionsAreNamed() {
    assertUserError(explain("saliency", "--set", "steps=3"), "unknown option 'steps'");
    assertUserError(
        explain("saliency", "--set", "abs=maybe"), "option 'abs' must be true or false");
    assertUserError(explain("saliency", "--layer", "conv3"), "method 'saliency' takes no --layer");
  }

  @Test
  void missingFilesAndBadUsage() {
    assertUserError(explain(dir.resolve("absent.npy"), "saliency"), "input file not found");
    ModelFiles noModel = new ModelFiles(dir.resolve("no.pt"), plain.input());
    assertUserError(CliRun.of(noModel.explain("saliency", badOut())), "model file not found");
    assertUserError(CliRun.of("frobnicate"), "unknown command 'frobnicate'");
    assertUserError(CliRun.of("explain", "--method"), "--method needs a value");
  }

  @Test
  void unknownLayerNamesTheMissingMethodOnly() {
    assertUserError(
        explain("grad-cam", "--layer", "conv9"),
        "unknown layer 'conv9': the model exports no method 'to_conv9'");
    CliRun run = explain("grad-cam", "--layer", "conv9");
    assertThat(run.err()).doesNotContain("known layers");
  }

  @Test
  void anUnusableHeatmapPathIsAUserErrorAndLeavesNoResult() throws IOException {
    Path blocker = dir.resolve("blocker");
    Files.writeString(blocker, "a file where the heatmap directory should go");
    CliRun run = explain("saliency", "--png", blocker.resolve("sub").toString());
    assertUserError(run, "cannot use ");
  }

  @Test
  void trainingAndDemoArgumentsAreChecked() {
    assertUserError(runToBadOut("train", "--lr", "abc"), "--lr must be a number, got 'abc'");
    assertUserError(runToBadOut("train", "--lr", "-1"), "--lr must be a finite number above 0.0");
    assertUserError(
        runToBadOut("train", "--optimizer", "rmsprop"), "--optimizer must be one of [adam, sgd]");
    assertUserError(
        runToBadOut("train", "--regularizer", "s-ib", "--set", "s-ib.form=bogus"),
        "option 'form' must be one of");
    assertUserError(runToBadOut("demo", "--seed", "x"), "--seed must be an integer, got 'x'");
    assertUserError(runToBadOut("demo", "--sib-set", "bg-weight=-3"), "'bg-weight'");
  }
}
