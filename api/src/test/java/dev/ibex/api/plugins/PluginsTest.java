package dev.ibex.api.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ibex.api.PluginKind;
import dev.ibex.api.UnknownPluginException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsTest {
  @TempDir Path dir;

  @Test
  void faultyProvidersAreReportedAndTheRestStayAvailable() {
    Plugins plugins = Plugins.discover(getClass().getClassLoader());
    assertThat(plugins.attributor("test-good")).isInstanceOf(TestPlugins.Good.class);
    assertThat(plugins.of(PluginKind.METRIC)).isEmpty();
    assertThat(plugins.problems())
        .extracting(PluginProblem::toString)
        .anySatisfy(
            p -> assertThat(p).contains("TestPlugins$Throwing").contains("boom in constructor"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("TestPlugins$Duplicate")
                    .contains("duplicate attributor name 'test-good'"))
        .anySatisfy(p -> assertThat(p).contains("NoSuchClass").contains("not found"))
        .anySatisfy(
            p -> assertThat(p).contains("TestPlugins$BadName").contains("invalid name 'Bad_Name'"));
    assertThat(plugins.problems()).hasSize(4);
  }

  @Test
  void unknownNameListsTheAvailableOnes() {
    Plugins plugins = Plugins.discover(getClass().getClassLoader());
    assertThatThrownBy(() -> plugins.attributor("nope"))
        .isInstanceOf(UnknownPluginException.class)
        .hasMessage("unknown attributor 'nope'; available: test-good");
    assertThatThrownBy(() -> plugins.metric("x"))
        .hasMessage("unknown metric 'x'; available: (none)");
  }

  @Test
  void anUnknownNameMentionsALoadFailureThatMayBeIt() {
    Plugins plugins = Plugins.discover(getClass().getClassLoader());
    // TestPlugins$Throwing reads as "throwing": it was found and failed in its constructor
    assertThatThrownBy(() -> plugins.attributor("throwing"))
        .isInstanceOf(UnknownPluginException.class)
        .hasMessageStartingWith("unknown attributor 'throwing'; available: test-good")
        .hasMessageContaining("a plugin that may be 'throwing' failed to load")
        .hasMessageContaining("boom in constructor");
  }

  @Test
  void pluginsThatComposeOthersAreGivenTheRegistryTheyWereFoundIn() {
    Plugins plugins = Plugins.discover(getClass().getClassLoader());
    TestPlugins.Composing composing =
        (TestPlugins.Composing) plugins.get(PluginKind.REGULARIZER, "test-composing");
    assertThat(composing.registry()).isSameAs(plugins);
    assertThat(composing.registry().attributor("test-good"))
        .isSameAs(plugins.attributor("test-good"));
  }

  @Test
  void corruptJarsAndMissingClassesInAPluginDirectoryAreReported() throws IOException {
    Files.write(dir.resolve("a-corrupt.jar"), new byte[] {1, 2, 3, 4, 5});
    try (JarOutputStream jar =
        new JarOutputStream(Files.newOutputStream(dir.resolve("b-missing-class.jar")))) {
      jar.putNextEntry(new JarEntry("META-INF/services/dev.ibex.api.Attributor"));
      jar.write("com.example.Gone\n".getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
    try (OutputStream out = Files.newOutputStream(dir.resolve("notes.txt"))) {
      out.write('x');
    }
    Plugins plugins = Plugins.discover(getClass().getClassLoader(), dir);
    assertThat(plugins.attributor("test-good")).isNotNull();
    assertThat(plugins.problems())
        .extracting(PluginProblem::toString)
        .anySatisfy(p -> assertThat(p).contains("a-corrupt.jar").contains("not a readable jar"))
        .anySatisfy(
            p -> assertThat(p).contains("b-missing-class.jar").contains("com.example.Gone"));
  }

  @Test
  void missingPluginDirectoryIsAProblemNotACrash() {
    Plugins plugins = Plugins.discover(getClass().getClassLoader(), dir.resolve("absent"));
    assertThat(plugins.problems())
        .extracting(PluginProblem::reason)
        .contains("plugin directory does not exist");
    assertThat(plugins.all()).isNotEmpty();
  }

  @Test
  void aFileGivenAsPluginDirectoryIsSaidToBeNoDirectory() throws java.io.IOException {
    java.nio.file.Path jar =
        java.nio.file.Files.writeString(dir.resolve("one.jar"), "a file, not a directory");
    Plugins plugins = Plugins.discover(getClass().getClassLoader(), jar);
    assertThat(plugins.problems())
        .extracting(PluginProblem::toString)
        .filteredOn(p -> p.contains("one.jar"))
        .singleElement()
        .asString()
        .contains("not a directory")
        .doesNotContain("does not exist");
    assertThat(plugins.all()).isNotEmpty();
  }
}
