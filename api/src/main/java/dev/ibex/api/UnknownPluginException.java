package dev.ibex.api;

import java.util.Collection;

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
    super(
        "unknown "
            + kind.label()
            + " '"
            + name
            + "'; available: "
            + (available.isEmpty() ? "(none)" : String.join(", ", available)));
  }
}
