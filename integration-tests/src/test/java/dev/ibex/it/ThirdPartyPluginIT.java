package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.io.Npy;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
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
    Path src = dir.resolve("src/com/example/ibex");
    Files.createDirectories(src);
    for (String f : List.of("GradientSign.java", "Exploding.java", "Base.java")) {
      try (InputStream in =
          ThirdPartyPluginIT.class.getResourceAsStream("/third-party/com/example/ibex/" + f)) {
        Files.copy(in, src.resolve(f));
      }
    }
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args =
        new ArrayList<>(
            List.of("-d", classes.toString(), "-classpath", apiOnlyClassPath(), "--release", "17"));
    try (Stream<Path> files = Files.list(src)) {
      files.map(Path::toString).forEach(args::add);
    }
    assertThat(javac.run(null, null, null, args.toArray(String[]::new)))
        .as("javac exit code")
        .isZero();
    jar(
        pluginDir.resolve("gradient-sign.jar"),
        classes,
        "com/example/ibex/GradientSign.class",
        "com.example.ibex.GradientSign");
    jar(
        pluginDir.resolve("exploding.jar"),
        classes,
        "com/example/ibex/Exploding.class",
        "com.example.ibex.Exploding",
        "com/example/ibex/Base.class");
    Files.write(
        pluginDir.resolve("corrupt.jar"), "PK this is not a jar".getBytes(StandardCharsets.UTF_8));
  }

  /**
   * ibex-api and DJL's api, nothing else: no engine, no ibex plugin, and not Guava (ibex-api's
   * signatures use java.util types, so a plugin is not bound to ibex's Guava version).
   */
  static String apiOnlyClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.matches(".*(ibex-api[^/]*\\.jar|/api/target/classes/?|/ai/djl/api/.*)"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  static void jar(Path jar, Path classes, String classFile, String provider, String... more)
      throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String c : Stream.concat(Stream.of(classFile), Arrays.stream(more)).toList()) {
        out.putNextEntry(new JarEntry(c));
        Files.copy(classes.resolve(c), out);
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/dev.ibex.api.Attributor"));
      out.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
  }

  record Proc(int code, String out, String err) {}

  static Proc ibex(String... args) throws Exception {
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
    return new Proc(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void pluginIsCompiledAgainstTheApiAlone() {
    assertThat(apiOnlyClassPath())
        .doesNotContain("plugins-attribution")
        .doesNotContain("pytorch")
        .doesNotContain("guava");
  }

  @Test
  void hostListsTheThirdPartyPluginAndReportsTheBrokenJars() throws Exception {
    Proc run = ibex("--plugins", pluginDir.toString(), "list");
    assertThat(run.code()).as(run.err()).isZero();
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
    Path model = Fixtures.copy("/parity/plain/model.pt", dir);
    Path x = Fixtures.copy("/parity/plain/x.npy", dir);
    Path out = dir.resolve("sign.npy");
    Proc run =
        ibex(
            "--plugins",
            pluginDir.toString(),
            "explain",
            "--model",
            model.toString(),
            "--input",
            x.toString(),
            "--method",
            "gradient-sign",
            "--target",
            "3",
            "--set",
            "scale=2",
            "--out",
            out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("gradient-sign (4, 3, 32, 32)")
        .contains("passes/image=1/1 (batch 4/4)");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = Npy.read(out, m);
      NDArray magnitudes = a.abs();
      // Every element is -2, 0 or 2, and the gradient is not identically zero.
      assertThat(magnitudes.eq(2).logicalOr(magnitudes.eq(0)).all().getBoolean()).isTrue();
      assertThat(magnitudes.sum().getFloat()).isGreaterThan(0f);
    }
  }

  @Test
  void aWrapperFromTheHostSmoothsTheThirdPartyMethod() throws Exception {
    Path model = Fixtures.copy("/parity/plain/model.pt", dir);
    Path x = Fixtures.copy("/parity/plain/x.npy", dir);
    Path out = dir.resolve("smooth-sign.npy");
    Proc run =
        ibex(
            "--plugins",
            pluginDir.toString(),
            "explain",
            "--model",
            model.toString(),
            "--input",
            x.toString(),
            "--method",
            "smoothgrad",
            "--target",
            "3",
            "--set",
            "base=gradient-sign",
            "--set",
            "base-options=scale=3",
            "--set",
            "samples=4",
            "--set",
            "stdev=0.05",
            "--out",
            out.toString());
    assertThat(run.code()).as(run.err()).isZero();
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
