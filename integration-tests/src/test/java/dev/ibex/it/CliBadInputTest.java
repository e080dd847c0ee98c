package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8: every bad input is exit 2 with one line naming the user's path or value, and leaves
 * nothing.
 */
class CliBadInputTest {
  @TempDir Path dir;
  ModelFiles plain;

  @BeforeEach
  void fixtures() throws IOException {
    plain = ModelFiles.plain(dir);
  }

  /**
   * {@code bench} of saliency on the plain model, then {@code more} (a --shape for its batch, say).
   */
  private CliRun bench(String... more) {
    return CliRun.of(
        CliArgs.join(
            new String[] {"bench", "--model", plain.model().toString(), "--method", "saliency"},
            more));
  }

  /** {@code evaluate --metric sparseness} of {@code maps}, the result written to {@code json}. */
  private static CliRun sparseness(Path maps, Path json) {
    return CliRun.of(CliArgs.evaluate("sparseness", maps, "--json", json.toString()));
  }

  /** Exit 2, and the first line of stderr is the one reason, without a trace. */
  private static void assertOneLine(CliRun run, String message) {
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(2);
    List<String> lines = run.err().lines().filter(l -> !l.startsWith("ibex: warning")).toList();
    assertThat(lines).as(run.err()).hasSize(1);
    assertThat(lines.get(0)).startsWith("ibex: ").contains(message);
  }

  private String[] entries(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }

  @Test
  void negativeTargetIsRefusedNotExplainedAsPredicted() throws IOException {
    Path out = dir.resolve("a.npy");
    assertOneLine(
        CliRun.of(plain.explain("saliency", out, "--target", "-1")), "target class -1 is negative");
    assertThat(out).doesNotExist();
  }

  @Test
  void outNamingADirectoryIsRefusedAndLeavesNoTemporary() throws IOException {
    Path out = Files.createDirectory(dir.resolve("out-dir"));
    assertOneLine(CliRun.of(plain.explain("saliency", out)), "--out " + out + " is a directory");
    assertThat(entries(out)).isEmpty();
    assertThat(entries(dir)).containsExactlyInAnyOrder("model.pt", "x.npy", "out-dir");
  }

  @Test
  void evaluateJsonNamingADirectoryIsRefused() throws IOException {
    Path json = Files.createDirectory(dir.resolve("r.json"));
    Path a = Fixtures.npy(dir.resolve("a.npy"), m -> m.ones(new Shape(4, 32, 32)));
    assertOneLine(sparseness(a, json), "--json " + json + " is a directory");
    assertThat(entries(json)).isEmpty();
  }

  @Test
  void evaluateWritesItsJsonAtomically() throws IOException {
    Path json = dir.resolve("r.json");
    Path a = Fixtures.npy(dir.resolve("a.npy"), m -> m.randomUniform(0, 1, new Shape(4, 32, 32)));
    Files.writeString(json, "an older, longer result that must be replaced whole");
    sparseness(a, json).succeeded();
    assertThat(Files.readString(json)).startsWith("{").contains("\"metric\": \"sparseness\"");
    assertThat(entries(dir)).containsExactlyInAnyOrder("model.pt", "x.npy", "a.npy", "r.json");
  }

  @Test
  void aDeviceThatIsNotHereIsOneLine() {
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    CliRun run = CliRun.of("--device", "gpu7", "list");
    assertOneLine(run, "--device gpu7: no such device here");
    assertThat(run.err()).contains("devices here: cpu" + (gpus > 0 ? ", gpu0" : "\n"));
    if (gpus == 0) {
      assertOneLine(
          CliRun.of("--device", "gpu", "list"),
          "--device gpu: no such device here (no CUDA GPU visible); devices here: cpu");
    }
    assertOneLine(CliRun.of("--device", "tpu", "list"), "unknown device 'tpu'; devices here: cpu");
    assertThat(CliRun.of("--device", "cpu", "list").code()).isZero();
  }

  @Test
  void badNumbersNameTheOptionAndValue() {
    assertOneLine(
        bench("--shape", "3x32x32", "--warmup", "abc"), "--warmup must be an integer, got 'abc'");
    assertOneLine(
        bench("--shape", "3x32x32", "--warmup", "-1"),
        "--warmup must be an integer of at least 0, got -1");
    assertOneLine(
        bench("--shape", "3x-1x32"), "--shape dimensions must be positive, got '3x-1x32'");
  }

  @Test
  void aSettingGivenTwiceIsRefused() {
    Path out = dir.resolve("a.npy");
    assertOneLine(
        CliRun.of(plain.explain("saliency", out, "--set", "abs=true", "--set", "abs=false")),
        "--set: option abs given twice ('true' and 'false')");
    assertThat(out).doesNotExist();
  }

  @Test
  void eachCommandRefusesOptionsItDoesNotUse() {
    Path out = dir.resolve("a.npy");
    assertOneLine(
        CliRun.of(plain.explain("saliency", out, "--metric", "sparseness")),
        "explain does not take --metric");
    assertOneLine(
        CliRun.of(plain.explain("saliency", out, "--warmup", "3")),
        "explain does not take --warmup");
    assertOneLine(
        CliRun.of("evaluate", "--metric", "sparseness", "--out", "x.npy"),
        "evaluate does not take --out");
    assertOneLine(bench("--json", "r.json"), "bench does not take --json");
    assertOneLine(CliRun.of("list", "--out", "x"), "list does not take --out");
    assertThat(out).doesNotExist();
  }

  @Test
  void unusableInputPathsAreNamed() throws IOException {
    Path out = dir.resolve("a.npy");
    Path absent = dir.resolve("absent.npy");
    assertOneLine(
        CliRun.of(plain.withInput(absent).explain("saliency", out)),
        "input file not found: " + absent);
    Path corrupt =
        Files.write(
            dir.resolve("corrupt.npy"), "\u0093NUMPY junk".getBytes(StandardCharsets.ISO_8859_1));
    assertOneLine(CliRun.of(plain.withInput(corrupt).explain("saliency", out)), corrupt.toString());
    assertOneLine(
        CliRun.of("evaluate", "--metric", "sparseness", "--attributions", dir.toString()),
        "--attributions file not found: " + dir);
    assertOneLine(
        CliRun.of(CliArgs.evaluate("pointing-game", plain.input(), "--masks", absent.toString())),
        "--masks file not found: " + absent);
    assertThat(out).doesNotExist();
  }

  @Test
  void aChannelMismatchGivesTheShapes() throws IOException {
    Path x1 = Fixtures.npy(dir.resolve("x1.npy"), m -> m.zeros(new Shape(2, 1, 32, 32)));
    Path out = dir.resolve("a.npy");
    String[] explain = plain.withInput(x1).explain("saliency", out);
    assertOneLine(CliRun.of(explain), "the model rejected an input of shape (2, 1, 32, 32): ");
    assertThat(CliRun.of(explain).err()).contains("to have 3 channels, but got 1 channels");
    assertThat(out).doesNotExist();
  }

  @Test
  void aPluginsFileIsSaidNotToBeADirectory() throws IOException {
    Path file = Files.writeString(dir.resolve("one.jar"), "not a directory");
    CliRun run = CliRun.of("--plugins", file.toString(), "list");
    assertThat(run.code()).isZero();
    assertThat(run.err())
        .contains("plugin not loaded: " + file + ": not a directory")
        .doesNotContain("does not exist");
  }

  @Test
  void aPluginReturningNoAttributionIsNamed() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/com/example/ibex"));
    Files.writeString(
        src.resolve("Nothing.java"),
        String.join(
            "\n",
            "package com.example.ibex;",
            "public final class Nothing implements dev.ibex.api.Attributor {",
            "  public String name() { return \"nothing\"; }",
            "  public String description() { return \"returns null\"; }",
            "  public dev.ibex.api.Attribution attribute(dev.ibex.api.model.ExplainableModel m, ai.djl.ndarray.NDArray x,",
            "      dev.ibex.api.Target t, dev.ibex.api.options.Options o) { return null; }",
            "}"));
    Path classes = PluginJars.compile(dir.resolve("classes"), List.of(src.resolve("Nothing.java")));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    PluginJars.jar(
        plugins.resolve("nothing.jar"),
        classes,
        "com/example/ibex/Nothing.class",
        "com.example.ibex.Nothing");
    Path out = dir.resolve("a.npy");
    CliRun run = CliRun.of(CliArgs.withPlugins(plugins, plain.explain("nothing", out)));
    assertThat(run.code()).as(run.err()).isEqualTo(1);
    assertThat(run.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("ibex: plugin nothing (com.example.ibex.Nothing from ")
        .contains("nothing.jar")
        .endsWith(") returned no attribution");
    assertThat(out).doesNotExist();
  }

  @Test
  void anOutputThatCannotBeWrittenNamesThePathAndLeavesNothing() throws IOException {
    Path blocker = Files.writeString(dir.resolve("blocker"), "a file where a directory should be");
    Path out = blocker.resolve("a.npy");
    assertOneLine(
        CliRun.of(plain.explain("saliency", out)),
        "cannot write " + out + ": cannot create its directory");
    assertThat(entries(dir)).containsExactlyInAnyOrder("model.pt", "x.npy", "blocker");
  }
}
