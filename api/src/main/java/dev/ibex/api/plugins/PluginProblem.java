package dev.ibex.api.plugins;

/**
 * A plugin that could not be made available: where it came from, which class, and why.
 *
 * @param source the jar or class-path entry it was found in
 * @param className the provider class, or {@code ""} when the problem is the source itself
 * @param reason what went wrong
 */
public record PluginProblem(String source, String className, String reason) {
  @Override
  public String toString() {
    return source + (className.isEmpty() ? "" : " [" + className + "]") + ": " + reason;
  }
}
