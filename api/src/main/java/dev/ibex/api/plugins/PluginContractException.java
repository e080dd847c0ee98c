package dev.ibex.api.plugins;

/**
 * A plugin broke its contract (returned no result, or a result of the wrong form). Not the user's
 * fault: hosts report it as an internal error, naming the plugin and the jar it came from.
 */
public final class PluginContractException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what the plugin did wrong, naming it
   */
  public PluginContractException(String message) {
    super(message);
  }

  /**
   * Where a plugin's class was loaded from, for messages.
   *
   * @param plugin a plugin instance
   * @return its jar or class-path location, or "the class path" when unknown
   */
  public static String origin(Object plugin) {
    java.security.CodeSource src = plugin.getClass().getProtectionDomain().getCodeSource();
    return src == null || src.getLocation() == null
        ? "the class path"
        : src.getLocation().toString();
  }
}
