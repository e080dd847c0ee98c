package dev.ibex.cli;

import dev.ibex.api.IbexException;
import dev.ibex.api.io.AtomicFiles;
import dev.ibex.api.plugins.PluginProblem;
import dev.ibex.api.plugins.Plugins;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ibex} command line: {@code java -jar ibex.jar [--plugins DIR] [--device D] COMMAND …}.
 *
 * <p>Exit codes, decided here and nowhere else: 0 success; 2 bad usage or bad input (an {@link
 * IbexException}, an output path that cannot be written, an unusable file), with a one-line reason
 * on stderr; 1 a plugin that broke its contract or an unexpected failure (stack trace only with
 * {@code --debug}).
 */
public final class Main {
  private static final List<Command> COMMANDS =
      List.of(new ListCommand(), new ExplainCommand(), new EvaluateCommand(), new BenchCommand(),
          new TrainCommand(), new DemoCommand());

  private Main() {}

  /**
   * Entry point.
   *
   * @param args command line
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the CLI without exiting the JVM (what tests call).
   *
   * @param args command line
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    defaultProperty("ai.djl.offline", "true");
    defaultProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // On a CPU-only host DJL warns that it found no CUDA driver: expected, not worth a line.
    defaultProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    boolean debug = false;
    try {
      List<String> rest = new ArrayList<>(List.of(args));
      Path pluginDir = null;
      String device = null;
      while (!rest.isEmpty() && rest.get(0).startsWith("--")) {
        String opt = rest.remove(0);
        switch (opt) {
          case "--plugins":
            pluginDir = Path.of(take(rest, opt));
            break;
          case "--device":
            device = take(rest, opt);
            break;
          case "--debug":
            debug = true;
            break;
          case "--help":
            out.println(usage());
            return 0;
          default:
            throw new UsageException("unknown option '" + opt + "'\n" + usage());
        }
      }
      if (rest.isEmpty()) {
        throw new UsageException("no command given\n" + usage());
      }
      String name = rest.remove(0);
      Command command =
          COMMANDS.stream()
              .filter(c -> c.name().equals(name))
              .findFirst()
              .orElseThrow(() -> new UsageException("unknown command '" + name + "'\n" + usage()));
      if (rest.contains("--help")) {
        out.println(command.usage());
        return 0;
      }
      Plugins plugins = Plugins.discover(Main.class.getClassLoader(), pluginDir);
      for (PluginProblem p : plugins.problems()) {
        err.println("ibex: warning: plugin not loaded: " + p);
      }
      Host host = new Host(plugins, device, out, err);
      if (device != null) {
        host.device(); // a device that is not here fails now, in one line, before any work
      }
      command.run(host, rest);
      return 0;
    } catch (IbexException e) {
      err.println("ibex: " + e.getMessage().lines().findFirst().orElse(""));
      if (e instanceof UsageException && e.getMessage().contains("\n")) {
        e.getMessage().lines().skip(1).forEach(err::println);
      }
      if (debug) {
        e.printStackTrace(err);
      }
      return 2;
    } catch (AtomicFiles.WriteException e) {
      // an output path the user gave cannot take the file (a directory, no permission, a full disk)
      err.println("ibex: " + e.getMessage());
      if (debug) {
        e.printStackTrace(err);
      }
      return 2;
    } catch (java.nio.file.FileSystemException e) {
      // an output or input path the user gave cannot be used (exists as a file, no permission, ...)
      err.println("ibex: cannot use " + e.getFile() + ": " + e.getClass().getSimpleName()
          .replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT)
          + (e.getReason() == null ? "" : " (" + e.getReason() + ")"));
      if (debug) {
        e.printStackTrace(err);
      }
      return 2;
    } catch (Host.PluginBug e) {
      err.println("ibex: " + e.getMessage());
      if (debug) {
        e.printStackTrace(err);
      }
      return 1;
    } catch (Exception | Error e) {
      err.println("ibex: internal error: " + e);
      if (debug) {
        e.printStackTrace(err);
      } else {
        err.println("(run with --debug for the stack trace)");
      }
      return 1;
    }
  }

  private static void defaultProperty(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  private static String take(List<String> rest, String opt) {
    if (rest.isEmpty()) {
      throw new UsageException(opt + " needs a value");
    }
    return rest.remove(0);
  }

  static String usage() {
    StringBuilder sb = new StringBuilder("usage: java -jar ibex.jar [--plugins DIR] [--device cpu|gpu|gpuN] [--debug] COMMAND ...\ncommands:");
    for (Command c : COMMANDS) {
      c.usage().lines().forEach(l -> sb.append("\n  ").append(l));
    }
    return sb.toString();
  }
}
