package dev.ibex.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.ibex.api.plugins.Plugins;
import java.io.PrintStream;

/**
 * What every command shares: the discovered plugins, the device and the output streams.
 *
 * @param plugins the discovered plugins
 * @param deviceName the {@code --device} text, or null for DJL's default
 * @param out standard output
 * @param err standard error
 */
record Host(Plugins plugins, String deviceName, PrintStream out, PrintStream err) {

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
}
