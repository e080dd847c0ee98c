package dev.ibex.cli;

import dev.ibex.api.IbexException;
import dev.ibex.api.ModelOutputException;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.host.NativeAllocator;
import dev.ibex.api.io.AtomicFiles;
import dev.ibex.api.plugins.PluginContractException;
import dev.ibex.api.plugins.PluginProblem;
import dev.ibex.engine.EngineCheck;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The {@code ibex} command line: {@code java -jar ibex.jar [--plugins DIR] [--device D] COMMAND …},
 * parsed by picocli (see {@link IbexCommand}).
 *
 * <p>Exit codes, decided here and nowhere else: 0 success; 2 bad usage or bad input (an {@link
 * IbexException}, an output path that cannot be written, an unusable file), with a one-line reason
 * on stderr; 1 a plugin that broke its contract or an unexpected failure (stack trace only with
 * {@code --debug}).
 */
public final class Main {
  private Main() {}

  /**
   * Entry point.
   *
   * @param args command line
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, true));
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
    return run(args, out, err, false);
  }

  /**
   * Runs the CLI; in its own process ({@code mayRelaunch}) it re-runs itself with oneDNN capped
   * when this CPU's convolution gradients are wrong (see {@link EngineCheck}).
   */
  private static int run(String[] args, PrintStream out, PrintStream err, boolean mayRelaunch) {
    defaultProperty("ai.djl.offline", "true");
    defaultProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // On a CPU-only host DJL warns that it found no CUDA driver: expected, not worth a line.
    defaultProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    IbexCommand globals = new IbexCommand();
    PrintWriter help = new PrintWriter(out, true);
    try {
      CommandLine cli = IbexCommand.commandLine(globals, help);
      ParseResult parsed = UsageErrors.parse(cli, args);
      if (CommandLine.printHelpIfRequested(parsed)) {
        return 0;
      }
      if (!parsed.hasSubcommand()) {
        throw new UsageException("no command given (java -jar ibex.jar --help lists them)");
      }
      Subcommand command = (Subcommand) parsed.subcommand().commandSpec().userObject();
      boolean computes = !parsed.subcommand().commandSpec().name().equals("list");
      if (computes && EngineCheck.needsSafeIsa()) {
        if (mayRelaunch) {
          err.println(
              "ibex: note: this CPU's oneDNN kernels give wrong convolution gradients (libtorch 2.7.1);"
                  + " running again with "
                  + EngineCheck.ISA_VARIABLE
                  + "="
                  + EngineCheck.SAFE_ISA);
          return Relaunch.withEnvironment(EngineCheck.ISA_VARIABLE, EngineCheck.SAFE_ISA);
        }
        err.println(
            "ibex: warning: this CPU's oneDNN kernels give wrong convolution gradients (libtorch 2.7.1);"
                + " set "
                + EngineCheck.ISA_VARIABLE
                + "="
                + EngineCheck.SAFE_ISA
                + " before the JVM starts");
      }
      if (computes && mayRelaunch) {
        // the CLI's own process: pass after pass reuses libtorch's freed blocks (NativeAllocator)
        NativeAllocator.keepFreedBlocks();
      }
      Ibex ibex = Ibex.discover(globals.pluginDir);
      for (PluginProblem p : ibex.problems()) {
        err.println("ibex: warning: plugin not loaded: " + p);
      }
      Host host = new Host(ibex, globals.device, out, err);
      if (globals.device != null) {
        host.device(); // a device that is not here fails now, in one line, before any work
      }
      command.run(host);
      return 0;
    } catch (IbexException e) {
      // the API's "choose one when loading the model" is --model-output here
      String hint = e instanceof ModelOutputException ? " (--model-output NAME|I)" : "";
      return fail(err, globals.debug, e.getMessage().lines().findFirst().orElse("") + hint, e, 2);
    } catch (AtomicFiles.WriteException e) {
      // an output path the user gave cannot take the file (a directory, no permission, a full disk)
      return fail(err, globals.debug, e.getMessage(), e, 2);
    } catch (java.nio.file.FileSystemException e) {
      // an output or input path the user gave cannot be used (exists as a file, no permission, ...)
      String reason =
          e.getClass()
              .getSimpleName()
              .replace("Exception", "")
              .replaceAll("([a-z])([A-Z])", "$1 $2")
              .toLowerCase(java.util.Locale.ROOT);
      return fail(
          err,
          globals.debug,
          "cannot use "
              + e.getFile()
              + ": "
              + reason
              + (e.getReason() == null ? "" : " (" + e.getReason() + ")"),
          e,
          2);
    } catch (PluginContractException e) {
      return fail(err, globals.debug, e.getMessage(), e, 1);
    } catch (Exception | Error e) {
      err.println("ibex: internal error: " + e);
      if (globals.debug) {
        e.printStackTrace(err);
      } else {
        err.println("(run with --debug for the stack trace)");
      }
      return 1;
    } finally {
      help.flush();
    }
  }

  /** Prints one line for a failure (and its stack trace with --debug) and returns the exit code. */
  private static int fail(PrintStream err, boolean debug, String line, Throwable e, int code) {
    err.println("ibex: " + line);
    if (debug) {
      e.printStackTrace(err);
    }
    return code;
  }

  private static void defaultProperty(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
