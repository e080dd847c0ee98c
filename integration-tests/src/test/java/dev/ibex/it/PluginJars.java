package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * Attributor plugins built as a third party builds them: compiled against the API alone and packed
 * into a jar with its service file.
 */
final class PluginJars {
  private PluginJars() {}

  /**
   * ibex-api and DJL's api, nothing else: no engine, no ibex plugin, and not Guava (ibex-api's
   * signatures use java.util types, so a plugin is not bound to ibex's Guava version).
   */
  static String apiOnlyClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.matches(".*(ibex-api[^/]*\\.jar|/api/target/classes/?|/ai/djl/api/.*)"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /**
   * Compiles plugin sources for Java 17 against {@link #apiOnlyClassPath()}.
   *
   * @param classes the directory the classes go to, created if need be
   * @param sources the {@code .java} files
   * @return {@code classes}
   */
  static Path compile(Path classes, List<Path> sources) throws IOException {
    Files.createDirectories(classes);
    List<String> args =
        new ArrayList<>(
            List.of("-d", classes.toString(), "-classpath", apiOnlyClassPath(), "--release", "17"));
    sources.forEach(s -> args.add(s.toString()));
    assertThat(
            ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)))
        .as("javac exit code")
        .isZero();
    return classes;
  }

  /**
   * Packs compiled classes into a plugin jar.
   *
   * @param jar the jar to write
   * @param classes where the classes were compiled to
   * @param classFile the provider's class file, e.g. {@code com/example/ibex/GradientSign.class}
   * @param provider the provider's class name, listed as a {@code dev.ibex.api.Attributor} service
   * @param more other class files the provider needs
   */
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
}
