package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin written outside ibex, compiled against ibex-api (and DJL's api) only, packed into a jar
 * and dropped into a directory next to a corrupt jar and a jar whose provider throws: the real
 * {@code ibex.jar} finds and runs it, and reports the other two without failing.
 */
class ThirdPartyPluginIT {
  @TempDir static Path dir;
  static Path pluginDir;

  @BeforeAll
  static void buildPluginJars() throws Exception {
    pluginDir = Files.createDirectories(dir.resolve("plugins"));
    Path src = Files.createDirectories(dir.resolve("src/com/example/ibex"));
    List<Path> sources = new ArrayList<>();
    for (String f : List.of("GradientSign.java", "Exploding.java", "Base.java")) {
      try (InputStream in =
          ThirdPartyPluginIT.class.getResourceAsStream("/third-party/com/example/ibex/" + f)) {
        Files.copy(in, src.resolve(f));
      }
      sources.add(src.resolve(f));
    }
    Path classes = PluginJars.compile(dir.resolve("classes"), sources);
    PluginJars.jar(
        pluginDir.resolve("gradient-sign.jar"),
        classes,
        "com/example/ibex/GradientSign.class",
        "com.example.ibex.GradientSign");
    PluginJars.jar(
        pluginDir.resolve("exploding.jar"),
        classes,
        "com/example/ibex/Exploding.class",
        "com.example.ibex.Exploding",
        "com/example/ibex/Base.class");
    Files.write(
        pluginDir.resolve("corrupt.jar"), "PK this is not a jar".getBytes(StandardCharsets.UTF_8));
  }

  /** Runs the real {@code ibex.jar} in its own JVM. */
  static CliRun ibex(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("ibex.jar")));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("ibex finished").isTrue();
    return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** The real {@code ibex.jar}, with the plugin directory, explaining the plain model's batch. */
  private static CliRun explainWithPlugins(String method, Path out, String... more)
      throws Exception {
    ModelFiles plain = ModelFiles.plain(dir);
    return ibex(CliArgs.withPlugins(pluginDir, plain.explain(method, out, more)));
  }

  @Test
  void pluginIsCompiledAgainstTheApiAlone() {
    assertThat(PluginJars.apiOnlyClassPath())
        .doesNotContain("plugins-attribution")
        .doesNotContain("pytorch")
        .doesNotContain("guava");
  }

  @Test
  void hostListsTheThirdPartyPluginAndReportsTheBrokenJars() throws Exception {
    CliRun run = ibex("--plugins", pluginDir.toString(), "list").succeeded();
    assertThat(run.out())
        .contains("gradient-sign - Sign of the input gradient")
        .contains("saliency - ");
    assertThat(run.err())
        .contains("corrupt.jar: not a readable jar")
        .contains("exploding.jar [com.example.ibex.Exploding]")
        .contains("this plugin is broken on purpose");
  }

  @Test
  void hostRunsTheThirdPartyPlugin() throws Exception {
    Path out = dir.resolve("sign.npy");
    CliRun run =
        explainWithPlugins("gradient-sign", out, "--target", "3", "--set", "scale=2").succeeded();
    assertThat(run.out())
        .contains("gradient-sign (4, 3, 32, 32)")
        .contains("passes/image=1/1 (batch 4/4)");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray magnitudes = Npy.read(out, m).abs();
      // Every element is -2, 0 or 2, and the gradient is not identically zero.
      assertThat(magnitudes.eq(2).logicalOr(magnitudes.eq(0)).all().getBoolean()).isTrue();
      assertThat(magnitudes.sum().getFloat()).isGreaterThan(0f);
    }
  }

  @Test
  void aWrapperFromTheHostSmoothsTheThirdPartyMethod() throws Exception {
    Path out = dir.resolve("smooth-sign.npy");
    CliRun run =
        explainWithPlugins(
                "smoothgrad",
                out,
                "--target",
                "3",
                "--set",
                "base=gradient-sign",
                "--set",
                "base-options=scale=3",
                "--set",
                "samples=4",
                "--set",
                "stdev=0.05")
            .succeeded();
    assertThat(run.out()).contains("smoothgrad (4, 3, 32, 32)");
    try (NDManager m = NDManager.newBaseManager()) {
      // the mean of 4 maps of -3, 0 or 3: every element a multiple of 3/4, and not all zero
      NDArray quarters = Npy.read(out, m).mul(4.0 / 3);
      assertThat(quarters.sub(quarters.round()).abs().max().getFloat()).isLessThan(1e-4f);
      assertThat(quarters.abs().sum().getFloat()).isGreaterThan(0f);
    }
  }

  @Test
  void readmeShowsTheCompiledExampleVerbatim() throws IOException {
    String readme = Files.readString(Path.of(System.getProperty("ibex.readme")));
    String example;
    try (InputStream in =
        getClass().getResourceAsStream("/third-party/com/example/ibex/GradientSign.java")) {
      example = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(readme)
        .as("README's plugin example must be GradientSign.java verbatim")
        .contains(example);
  }
}
