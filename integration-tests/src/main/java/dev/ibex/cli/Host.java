package dev.ibex.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
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
      throw new UsageException(
          "--device "
              + deviceName
              + ": no such device here"
              + (count == 0 ? " (no CUDA GPU visible)" : "")
              + "; devices here: "
              + here);
    }
    return Device.gpu(id);
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }
}
