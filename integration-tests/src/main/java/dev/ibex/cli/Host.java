package dev.ibex.cli;

import ai.djl.Device;
import dev.ibex.api.host.Devices;
import dev.ibex.api.host.Ibex;
import java.io.PrintStream;

/**
 * What every command shares: ibex with the discovered plugins, the device and the output streams.
 *
 * @param ibex the host API over the discovered plugins
 * @param deviceName the {@code --device} text, or null for DJL's default
 * @param out standard output
 * @param err standard error
 */
record Host(Ibex ibex, String deviceName, PrintStream out, PrintStream err) {

  /**
   * The device from {@code --device}, else DJL's default for PyTorch (a GPU when visible); one that
   * is not here is an {@link dev.ibex.api.InvalidInputException} naming the devices that are.
   */
  Device device() {
    return Devices.parse(deviceName, "--device " + deviceName);
  }
}
