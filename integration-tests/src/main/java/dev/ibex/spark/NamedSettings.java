package dev.ibex.spark;

import dev.ibex.api.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code [NAME.]key=value} settings of several plugins given on one command line: {@code
 * grad-cam.normalise=minmax} sets {@code normalise} of {@code grad-cam}; an unprefixed {@code
 * key=value} is taken when only one plugin is named. (ibex option keys never contain a dot.)
 */
final class NamedSettings {
  private NamedSettings() {}

  /**
   * Groups settings by plugin.
   *
   * @param option the option's name, for messages (e.g. {@code --set})
   * @param names the plugins named on the command line
   * @param settings the option's values
   * @return plugin name to its settings, for every name (empty where none)
   * @throws InvalidInputException for a malformed setting, one naming no such plugin, a key given
   *     twice, or an unprefixed one among several plugins
   */
  static Map<String, Map<String, String>> of(
      String option, List<String> names, List<String> settings) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    names.forEach(n -> out.put(n, new LinkedHashMap<>()));
    for (String s : settings) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new InvalidInputException(option + " " + s + ": expected [NAME.]key=value");
      }
      String key = s.substring(0, eq);
      String value = s.substring(eq + 1);
      int dot = key.indexOf('.');
      String name;
      if (dot >= 0) {
        name = key.substring(0, dot);
        key = key.substring(dot + 1);
        if (!out.containsKey(name)) {
          throw new InvalidInputException(
              option + " " + s + ": '" + name + "' is not among " + String.join(", ", names));
        }
      } else if (names.size() == 1) {
        name = names.get(0);
      } else {
        throw new InvalidInputException(
            option
                + " "
                + s
                + ": say which of "
                + String.join(", ", names)
                + " it is for, e.g. "
                + names.get(0)
                + "."
                + s);
      }
      String previous = out.get(name).put(key, value);
      if (previous != null) {
        throw new InvalidInputException(
            option
                + ": "
                + name
                + "."
                + key
                + " given twice ('"
                + previous
                + "' and '"
                + value
                + "')");
      }
    }
    return out;
  }
}
