package dev.ibex.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory and the machine's load, from Linux's {@code /proc}. */
final class ProcessMemory {
  private ProcessMemory() {}

  /**
   * @return resident set size in bytes ({@code VmRSS})
   */
  static long residentBytes() {
    return kib("VmRSS:") * 1024;
  }

  /**
   * @return the peak resident set size in bytes so far ({@code VmHWM})
   */
  static long peakResidentBytes() {
    return kib("VmHWM:") * 1024;
  }

  /**
   * @return the 1-, 5- and 15-minute load averages, as {@code /proc/loadavg} prints them
   */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long kib(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no " + field + " in /proc/self/status");
  }
}
