package dev.ibex.api;

import dev.ibex.api.plugins.PluginProblem;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** No discovered plugin of the wanted kind has the requested name. */
public class UnknownPluginException extends IbexException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param kind the plugin kind looked up
   * @param name the missing name
   * @param available the names that do exist for that kind
   */
  public UnknownPluginException(PluginKind kind, String name, Collection<String> available) {
    this(kind, name, available, List.of());
  }

  /**
   * Creates the error, saying which load failures concern the name: a plugin of that name may have
   * been found and failed to load.
   *
   * @param kind the plugin kind looked up
   * @param name the missing name
   * @param available the names that do exist for that kind
   * @param loadProblems problems recorded during discovery that concern this name
   */
  public UnknownPluginException(
      PluginKind kind,
      String name,
      Collection<String> available,
      Collection<PluginProblem> loadProblems) {
    super(
        "unknown "
            + kind.label()
            + " '"
            + name
            + "'; available: "
            + (available.isEmpty() ? "(none)" : String.join(", ", available))
            + (loadProblems.isEmpty()
                ? ""
                : "; a plugin that may be '"
                    + name
                    + "' failed to load: "
                    + loadProblems.stream()
                        .map(PluginProblem::toString)
                        .collect(Collectors.joining("; "))));
  }
}
