package dev.ibex.api.host;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.ibex.api.InvalidInputException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Devices by name ({@code cpu}, {@code gpu}, {@code gpu1}, …), checked against what is here. */
public final class Devices {
  private static final Pattern GPU = Pattern.compile("gpu([0-9]{0,4})");

  private Devices() {}

  /**
   * The device of a name, or the engine's default (a GPU where one is visible, else the CPU).
   *
   * @param name {@code cpu}, {@code gpu} (the first GPU), {@code gpuN}, or {@code null} for the
   *     default
   * @param label how messages name the setting, e.g. {@code --device gpu7}
   * @return the device
   * @throws InvalidInputException for an unknown name or a GPU that is not here (checked now: an
   *     absent GPU otherwise fails deep in libtorch with a long native trace)
   */
  public static Device parse(String name, String label) {
    Engine engine = Engine.getEngine("PyTorch");
    if (name == null) {
      return engine.defaultDevice();
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("cpu")) {
      return Device.cpu();
    }
    int count = engine.getGpuCount();
    StringBuilder here = new StringBuilder("cpu");
    for (int i = 0; i < count; i++) {
      here.append(", gpu").append(i);
    }
    Matcher m = GPU.matcher(n);
    if (!m.matches()) {
      throw new InvalidInputException("unknown device '" + name + "'; devices here: " + here);
    }
    int id = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
    if (id >= count) {
      throw new InvalidInputException(
          label
              + ": no such device here"
              + (count == 0 ? " (no CUDA GPU visible)" : "")
              + "; devices here: "
              + here);
    }
    return Device.gpu(id);
  }

  /**
   * {@link #parse(String, String)} with messages naming {@code device 'NAME'}.
   *
   * @param name the device name, or {@code null} for the default
   * @return the device
   */
  public static Device parse(String name) {
    return parse(name, "device '" + name + "'");
  }
}
