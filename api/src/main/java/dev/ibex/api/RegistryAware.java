package dev.ibex.api;

/**
 * A plugin that composes other plugins by name (a wrapper around "any attributor", a metric that
 * re-runs one). The host that discovers it calls {@link #useRegistry} once, with the registry it
 * discovered it in, before the plugin is used; names then resolve among everything that host knows,
 * plugin jars included.
 */
public interface RegistryAware {
  /**
   * @param registry the host's plugins
   */
  void useRegistry(PluginRegistry registry);
}
