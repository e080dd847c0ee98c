package dev.ibex.cli;

import com.google.gson.GsonBuilder;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;
import dev.ibex.api.Plugin;
import dev.ibex.api.PluginKind;
import dev.ibex.api.options.OptionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code list [--json | --markdown]}: every discovered plugin with kind, name, description and
 * options.
 */
@Command(
    name = "list",
    header = "list - every discovered plugin with its kind, name, description and options")
final class ListCommand extends Subcommand {
  @ArgGroup(exclusive = true)
  Format format = new Format();

  /** Text for people (default), JSON for programs, or README.md's plugin tables. */
  static final class Format {
    @Option(names = "--json", description = "as JSON")
    boolean json;

    @Option(names = "--markdown", description = "as the Markdown tables of README.md")
    boolean markdown;
  }

  @Override
  public void run(Host host) {
    if (format.markdown) {
      host.out().print(markdown(host));
      return;
    }
    if (format.json) {
      List<Map<String, Object>> all = new ArrayList<>();
      for (Plugin p : host.ibex().plugins().all()) {
        all.add(describe(p));
      }
      host.out()
          .println(
              new GsonBuilder()
                  .setPrettyPrinting()
                  .serializeSpecialFloatingPointValues()
                  .create()
                  .toJson(all));
      return;
    }
    for (PluginKind kind : PluginKind.values()) {
      host.out().println(kind.label() + "s:");
      for (Plugin p : host.ibex().plugins().of(kind).values()) {
        host.out()
            .println(
                "  "
                    + p.name()
                    + " - "
                    + p.description()
                    + (p instanceof Metric
                        ? " [" + direction(((Metric) p).direction()) + "]"
                        : ""));
        for (OptionSpec s : p.options().specs()) {
          host.out().println("      " + optionLine(s));
        }
      }
    }
  }

  /**
   * The plugin tables of README.md: one per kind, one row per plugin, options in the last column.
   */
  static String markdown(Host host) {
    StringBuilder sb = new StringBuilder();
    for (PluginKind kind : PluginKind.values()) {
      sb.append("\n### ")
          .append(Character.toUpperCase(kind.label().charAt(0)))
          .append(kind.label().substring(1))
          .append("s\n\n| name | what it does | options |\n|---|---|---|\n");
      for (Plugin p : host.ibex().plugins().of(kind).values()) {
        StringBuilder opts = new StringBuilder();
        for (OptionSpec s : p.options().specs()) {
          opts.append(opts.length() == 0 ? "" : "<br>")
              .append('`')
              .append(s.name())
              .append("` ")
              .append(optionLine(s).substring(s.name().length() + 1).replace("|", "\\|"));
        }
        sb.append("| `")
            .append(p.name())
            .append("` | ")
            .append(p.description().replace("|", "\\|"))
            .append(p instanceof Metric ? " (" + direction(((Metric) p).direction()) + ")" : "")
            .append(" | ")
            .append(opts.length() == 0 ? "—" : opts)
            .append(" |\n");
      }
    }
    return sb.toString();
  }

  static String direction(Direction d) {
    return d == Direction.HIGHER_IS_BETTER ? "higher is better" : "lower is better";
  }

  /** One option as the README's plugin table shows it. */
  static String optionLine(OptionSpec s) {
    StringBuilder sb =
        new StringBuilder(s.name()).append(" (").append(s.type().name().toLowerCase());
    if (!s.choices().isEmpty()) {
      sb.append(": ").append(String.join("|", s.choices()));
    }
    if (!s.rangeText().isEmpty()) {
      sb.append(" in ").append(s.rangeText());
    }
    sb.append(", default ").append(s.defaultValue()).append(") ").append(s.doc());
    return sb.toString();
  }

  static Map<String, Object> describe(Plugin p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", PluginKind.of(p).label());
    m.put("name", p.name());
    m.put("description", p.description());
    m.put("class", p.getClass().getName());
    if (p instanceof Metric) {
      m.put("direction", ((Metric) p).direction().name());
    }
    List<Map<String, Object>> opts = new ArrayList<>();
    for (OptionSpec s : p.options().specs()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", s.name());
      o.put("type", s.type().name());
      o.put("default", s.defaultValue());
      if (s.min() != null) {
        o.put("min", s.min());
      }
      if (s.max() != null && !s.max().isInfinite()) {
        o.put("max", s.max());
      }
      if (!s.choices().isEmpty()) {
        o.put("choices", s.choices());
      }
      o.put("doc", s.doc());
      opts.add(o);
    }
    m.put("options", opts);
    return m;
  }
}
