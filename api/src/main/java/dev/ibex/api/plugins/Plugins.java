package dev.ibex.api.plugins;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.ibex.api.Attributor;
import dev.ibex.api.Metric;
import dev.ibex.api.Plugin;
import dev.ibex.api.PluginKind;
import dev.ibex.api.PluginRegistry;
import dev.ibex.api.RegistryAware;
import dev.ibex.api.Regularizer;
import dev.ibex.api.UnknownPluginException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The plugins a host can use, discovered with {@link ServiceLoader} on a class loader and,
 * optionally, from a directory of plugin jars (each jar gets its own class loader whose parent is
 * the host's, so a broken jar cannot hide the others).
 *
 * <p>Nothing a plugin does wrong stops discovery: a provider that cannot be loaded or instantiated,
 * a corrupt jar, an invalid name, or a name taken twice is recorded in {@link #problems()} (which
 * jar, which class, why) and the rest stay available. For a duplicate name the first provider found
 * wins: the host's class path before the plugin directory, jars in name order.
 *
 * <p>Plugins that compose others ({@link RegistryAware}) are given this registry once discovery is
 * done, so that they resolve names among everything found here.
 */
public final class Plugins implements PluginRegistry {
  private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final int MAX_CONSECUTIVE_ERRORS = 1000;

  private final Map<PluginKind, ImmutableSortedMap<String, Plugin>> byKind;
  private final ImmutableList<PluginProblem> problems;

  private Plugins(
      Map<PluginKind, ImmutableSortedMap<String, Plugin>> byKind, List<PluginProblem> problems) {
    this.byKind = byKind;
    this.problems = ImmutableList.copyOf(problems);
    for (Plugin p : all()) {
      if (p instanceof RegistryAware) {
        ((RegistryAware) p).useRegistry(this);
      }
    }
  }

  /**
   * Discovers the plugins visible to a class loader.
   *
   * @param loader the host's class loader
   * @return the plugins
   */
  public static Plugins discover(ClassLoader loader) {
    return discover(loader, null);
  }

  /**
   * Discovers the plugins visible to a class loader plus those in the jars of a directory.
   *
   * @param loader the host's class loader
   * @param pluginDir a directory of plugin jars, or {@code null}
   * @return the plugins
   */
  public static Plugins discover(ClassLoader loader, Path pluginDir) {
    Collector c = new Collector();
    for (PluginKind kind : PluginKind.values()) {
      c.load(kind, ServiceLoader.load(kind.type(), loader), null, "class path");
    }
    if (pluginDir != null) {
      c.scanDirectory(pluginDir, loader);
    }
    Map<PluginKind, ImmutableSortedMap<String, Plugin>> byKind = new EnumMap<>(PluginKind.class);
    c.found.forEach((k, v) -> byKind.put(k, ImmutableSortedMap.copyOf(v)));
    return new Plugins(byKind, c.problems);
  }

  /**
   * @return every plugin, by kind then name (immutable)
   */
  public List<Plugin> all() {
    ImmutableList.Builder<Plugin> b = ImmutableList.builder();
    for (PluginKind k : PluginKind.values()) {
      b.addAll(byKind.get(k).values());
    }
    return b.build();
  }

  /**
   * The plugins of one kind, by name.
   *
   * @param kind the kind
   * @return name to plugin, sorted by name
   */
  public SortedMap<String, Plugin> of(PluginKind kind) {
    return byKind.get(kind);
  }

  /**
   * Looks up a plugin by kind and name.
   *
   * @param kind the kind
   * @param name the name
   * @return the plugin
   * @throws UnknownPluginException listing the names that exist, and a load failure that may be the
   *     plugin asked for (one whose class name reads as the name, or a duplicate of it)
   */
  @Override
  public Plugin get(PluginKind kind, String name) {
    Plugin p = byKind.get(kind).get(name);
    if (p == null) {
      List<PluginProblem> related = problems.stream().filter(pr -> concerns(pr, name)).toList();
      throw new UnknownPluginException(kind, name, byKind.get(kind).keySet(), related);
    }
    return p;
  }

  @Override
  public Attributor attributor(String name) {
    return PluginRegistry.super.attributor(name);
  }

  @Override
  public Regularizer regularizer(String name) {
    return PluginRegistry.super.regularizer(name);
  }

  @Override
  public Metric metric(String name) {
    return PluginRegistry.super.metric(name);
  }

  /**
   * @return what went wrong during discovery (immutable); empty when nothing did
   */
  public List<PluginProblem> problems() {
    return problems;
  }

  /**
   * Whether a load problem may be the plugin of that name: it names it, or its class reads as it.
   */
  private static boolean concerns(PluginProblem problem, String name) {
    if (problem.reason().contains("'" + name + "'")) {
      return true;
    }
    String cls = problem.className();
    String simple = cls.substring(Math.max(cls.lastIndexOf('.'), cls.lastIndexOf('$')) + 1);
    // GradientSign -> gradient-sign
    String kebab =
        simple.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    return !cls.isEmpty() && kebab.equals(name);
  }

  private static final class Collector {
    final Map<PluginKind, Map<String, Plugin>> found = new EnumMap<>(PluginKind.class);
    final Map<String, String> origin = new TreeMap<>();
    final List<PluginProblem> problems = new ArrayList<>();

    Collector() {
      for (PluginKind k : PluginKind.values()) {
        found.put(k, new TreeMap<>());
      }
    }

    void scanDirectory(Path dir, ClassLoader parent) {
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        problems.add(
            new PluginProblem(
                dir.toString(),
                "",
                "not a directory (give the directory that holds the plugin jars)"));
        return;
      }
      if (!Files.isDirectory(dir)) {
        problems.add(new PluginProblem(dir.toString(), "", "plugin directory does not exist"));
        return;
      }
      List<Path> jars;
      try (Stream<Path> s = Files.list(dir)) {
        jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
      } catch (IOException e) {
        problems.add(new PluginProblem(dir.toString(), "", "cannot list: " + e.getMessage()));
        return;
      }
      for (Path jar : jars) {
        try (JarFile check = new JarFile(jar.toFile())) {
          check.size();
        } catch (IOException | RuntimeException e) {
          problems.add(
              new PluginProblem(jar.toString(), "", "not a readable jar: " + e.getMessage()));
          continue;
        }
        URLClassLoader jarLoader;
        try {
          jarLoader =
              new URLClassLoader(
                  "ibex-plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, parent);
        } catch (MalformedURLException e) {
          problems.add(new PluginProblem(jar.toString(), "", e.getMessage()));
          continue;
        }
        for (PluginKind kind : PluginKind.values()) {
          load(kind, ServiceLoader.load(kind.type(), jarLoader), jarLoader, jar.toString());
        }
      }
    }

    /**
     * Loads every provider; with {@code only} set, keeps providers defined by that loader alone.
     */
    void load(
        PluginKind kind, ServiceLoader<? extends Plugin> loader, ClassLoader only, String source) {
      Iterator<? extends ServiceLoader.Provider<? extends Plugin>> it = loader.stream().iterator();
      int errors = 0;
      while (errors < MAX_CONSECUTIVE_ERRORS) {
        ServiceLoader.Provider<? extends Plugin> provider;
        try {
          if (!it.hasNext()) {
            return;
          }
          provider = it.next();
        } catch (Throwable e) { // ServiceConfigurationError, LinkageError: report, keep going
          errors++;
          problems.add(new PluginProblem(source, "", describe(e)));
          continue;
        }
        errors = 0;
        String className = "";
        try {
          Class<? extends Plugin> type = provider.type();
          className = type.getName();
          if (only != null && type.getClassLoader() != only) {
            continue; // the parent's providers were found already
          }
          Plugin plugin = provider.get();
          add(kind, plugin, only == null ? sourceOf(type) : source);
        } catch (Throwable e) { // a provider's constructor or static init failed
          problems.add(new PluginProblem(source, className, describe(e)));
        }
      }
      problems.add(
          new PluginProblem(source, "", "too many errors; gave up on " + kind.label() + "s here"));
    }

    void add(PluginKind kind, Plugin plugin, String source) {
      String cls = plugin.getClass().getName();
      String name;
      try {
        name = plugin.name();
        plugin.description();
        plugin.options();
      } catch (RuntimeException e) {
        problems.add(new PluginProblem(source, cls, "metadata failed: " + describe(e)));
        return;
      }
      if (name == null || !KEBAB.matcher(name).matches()) {
        problems.add(
            new PluginProblem(source, cls, "invalid name '" + name + "': must be kebab-case"));
        return;
      }
      Map<String, Plugin> names = found.get(kind);
      String key = kind + ":" + name;
      if (names.containsKey(name)) {
        problems.add(
            new PluginProblem(
                source,
                cls,
                "duplicate "
                    + kind.label()
                    + " name '"
                    + name
                    + "', already provided by "
                    + names.get(name).getClass().getName()
                    + " from "
                    + origin.get(key)
                    + "; this one is ignored"));
        return;
      }
      names.put(name, plugin);
      origin.put(key, source);
    }

    private static String sourceOf(Class<?> type) {
      CodeSource cs = type.getProtectionDomain().getCodeSource();
      return cs == null || cs.getLocation() == null ? "class path" : cs.getLocation().toString();
    }

    private static String describe(Throwable e) {
      Throwable root = e;
      StringBuilder sb = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
        sb.append(" <- ")
            .append(root.getClass().getSimpleName())
            .append(": ")
            .append(root.getMessage());
      }
      return sb.toString();
    }
  }
}
