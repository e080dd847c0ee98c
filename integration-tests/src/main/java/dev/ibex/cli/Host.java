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
    try {
      return Device.fromName(deviceName);
    } catch (RuntimeException e) {
      throw new UsageException("unknown device '" + deviceName + "' (use cpu, gpu or gpu0, gpu1, …)");
    }
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }
}
