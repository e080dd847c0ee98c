package dev.ibex.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.Plugins;
import java.io.PrintStream;

/** What every command shares: the discovered plugins, the device and the output streams. */
final class Host {
  private final Plugins plugins;
  private final String deviceName;
  private final PrintStream out;
  private final PrintStream err;

  Host(Plugins plugins, String deviceName, PrintStream out, PrintStream err) {
    this.plugins = plugins;
    this.deviceName = deviceName;
    this.out = out;
    this.err = err;
  }

  Plugins plugins() {
    return plugins;
  }

  /** The device from {@code --device}, else DJL's default for PyTorch (a GPU when visible). */
  Device device() {
    if (deviceName == null) {
      return Engine.getEngine("PyTorch").defaultDevice();
    }
    String name = deviceName.trim().toLowerCase(java.util.Locale.ROOT);
    if (name.equals("cpu")) {
      return Device.cpu();
    }
    // checked here: an absent GPU otherwise fails deep in libtorch with a long native trace
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("gpu([0-9]{0,4})").matcher(name);
    int count = Engine.getEngine("PyTorch").getGpuCount();
    StringBuilder here = new StringBuilder("cpu");
    for (int i = 0; i < count; i++) {
      here.append(", gpu").append(i);
    }
    if (!m.matches()) {
      throw new UsageException("unknown device '" + deviceName + "'; devices here: " + here);
    }
    int id = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
    if (id >= count) {
      throw new UsageException("--device " + deviceName + ": no such device here"
          + (count == 0 ? " (no CUDA GPU visible)" : "") + "; devices here: " + here);
    }
    return Device.gpu(id);
  }

  /**
   * Runs an attributor, turning a plugin's missing result into a {@link PluginBug} naming it rather
   * than a NullPointerException later.
   */
  static Attribution attribute(Attributor attributor, ExplainableModel model, NDArray x, Target target, Options options) {
    Attribution a = attributor.attribute(model, x, target, options);
    if (a == null || a.values() == null) {
      throw new PluginBug("plugin " + attributor.name() + " (" + attributor.getClass().getName() + " from "
          + origin(attributor) + ") returned no attribution");
    }
    return a;
  }

  private static String origin(Object plugin) {
    java.security.CodeSource src = plugin.getClass().getProtectionDomain().getCodeSource();
    return src == null || src.getLocation() == null ? "the class path" : src.getLocation().toString();
  }

  /** A plugin broke its contract: exit 1 (not the user's fault), but one line naming the plugin. */
  static final class PluginBug extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PluginBug(String message) {
      super(message);
    }
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }
}
