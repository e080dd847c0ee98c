package dev.ibex.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs this very command line again in a child process with one more environment variable, for
 * settings a native library reads only when it starts; the child's output goes straight to ours.
 */
final class Relaunch {
  private Relaunch() {}

  /**
   * @param name the variable
   * @param value its value
   * @return the child's exit code
   * @throws IllegalStateException if this process's command line cannot be read
   */
  static int withEnvironment(String name, String value) {
    ProcessHandle.Info self = ProcessHandle.current().info();
    List<String> command = new ArrayList<>();
    command.add(
        self.command()
            .orElseThrow(() -> new IllegalStateException("cannot read this process's command")));
    command.addAll(
        List.of(
            self.arguments()
                .orElseThrow(
                    () -> new IllegalStateException("cannot read this process's arguments"))));
    ProcessBuilder child = new ProcessBuilder(command).inheritIO();
    child.environment().put(name, value);
    try {
      return child.start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the relaunched ibex ran", e);
    }
  }
}
