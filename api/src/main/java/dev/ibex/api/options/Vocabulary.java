package dev.ibex.api.options;

import dev.ibex.api.Plugin;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks plugins against {@link StandardOptions}: no drifting spelling of a standard option, a
 * standard option keeps its type and values, and one option name has one type across all plugins
 * (so {@code --set steps=10} never means an integer here and a word there). Hosts and plugin
 * authors run it over the plugins they ship.
 */
public final class Vocabulary {
  private Vocabulary() {}

  /**
   * The violations among the options of the given plugins.
   *
   * @param plugins the plugins to check together
   * @return one line per violation, naming plugin and option; empty when all agree
   */
  public static List<String> check(Collection<? extends Plugin> plugins) {
    List<String> problems = new ArrayList<>();
    Map<String, String> firstUse = new LinkedHashMap<>();
    Map<String, OptionType> typeOf = new LinkedHashMap<>();
    for (Plugin p : plugins) {
      for (OptionSpec o : p.options().specs()) {
        String where = "option '" + o.name() + "' of " + p.name();
        String instead = StandardOptions.SYNONYMS.get(o.name());
        if (instead != null) {
          problems.add(where + ": spell it '" + instead + "'");
        }
        OptionSpec standard = StandardOptions.ALL.get(o.name());
        if (standard != null && o.type() != standard.type()) {
          problems.add(where + " is " + o.type() + "; the standard option is " + standard.type());
        } else if (standard != null && !o.choices().equals(standard.choices())) {
          problems.add(
              where
                  + " offers "
                  + o.choices()
                  + "; the standard option offers "
                  + standard.choices());
        }
        OptionType seen = typeOf.putIfAbsent(o.name(), o.type());
        firstUse.putIfAbsent(o.name(), p.name());
        if (seen != null && seen != o.type()) {
          problems.add(
              where + " is " + o.type() + " but " + seen + " in " + firstUse.get(o.name()));
        }
      }
    }
    return problems;
  }
}
