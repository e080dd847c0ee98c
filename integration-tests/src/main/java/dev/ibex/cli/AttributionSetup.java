package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Target;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The parts {@code explain} and {@code bench} share: model, input, options and target from args. */
final class AttributionSetup {
  // what each command takes: an option another command uses is refused, not ignored
  private static final java.util.Set<String> MODEL_ARGS =
      java.util.Set.of("--model", "--method", "--layer", "--target", "--cosine-to", "--entry", "--set");
  static final java.util.Set<String> EXPLAIN_ARGS = with(MODEL_ARGS, "--input", "--targets", "--out", "--png");
  static final java.util.Set<String> BENCH_ARGS = with(MODEL_ARGS, "--input", "--shape", "--batch", "--repeat", "--warmup");
  static final java.util.Set<String> EVALUATE_ARGS = with(MODEL_ARGS, "--metric", "--input", "--targets",
      "--attributions", "--masks", "--method-set", "--json");
  static final java.util.Set<String> FLAGS = java.util.Set.of("--tail-takes-input");

  private AttributionSetup() {}

  private static java.util.Set<String> with(java.util.Set<String> base, String... more) {
    java.util.Set<String> all = new java.util.HashSet<>(base);
    all.addAll(java.util.List.of(more));
    return java.util.Set.copyOf(all);
  }

  /**
   * The model, with {@code --entry} naming the method that plays forward (e.g. a CLIP tower's). No
   * layers are declared: TorchScript cannot list its methods, and {@code --layer} is what is being
   * asked for, not something known to exist.
   */
  static TorchScriptModel model(Host host, Args a) {
    return TorchScriptModel.builder(Path.of(a.require("--model")))
        .device(host.device())
        .forwardMethod(a.get("--entry").orElse(null))
        .tailTakesInput(a.flag("--tail-takes-input"))
        .load();
  }

  static NDArray input(Path file, NDManager manager) throws IOException {
    return input(file, manager, "input");
  }

  /** A tensor file; {@code what} names the option in the message (e.g. "--masks"). */
  static NDArray input(Path file, NDManager manager, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(what + " file not found: " + file);
    }
    NDArray x = Npy.read(file, manager);
    // pixels as float32; integer token ids stay as they are
    return x.getDataType() == DataType.FLOAT64 ? x.toType(DataType.FLOAT32, false) : x;
  }

  static Options options(Attributor attributor, Args a) {
    return options(attributor, a, "--set");
  }

  /** An attributor's options from a repeatable {@code key=value} option, plus {@code --layer}. */
  static Options options(Attributor attributor, Args a, String settingsOption) {
    Options o = attributor.options().parse(a.settings(settingsOption));
    if (a.get("--layer").isPresent()) {
      if (attributor.options().specs().stream().noneMatch(s -> s.name().equals("layer"))) {
        throw new UsageException("method '" + attributor.name() + "' takes no --layer");
      }
      o = o.withText("layer", a.get("--layer").get());
    }
    return o;
  }

  static Target target(Args a, NDManager manager) throws IOException {
    long given = java.util.stream.Stream.of("--target", "--targets", "--cosine-to").filter(k -> a.get(k).isPresent()).count();
    if (given > 1) {
      throw new UsageException("give one of --target, --targets, --cosine-to");
    }
    if (a.get("--cosine-to").isPresent()) {
      Path f = Path.of(a.get("--cosine-to").get());
      if (!Files.isRegularFile(f)) {
        throw new InvalidInputException("embeddings file not found: " + f);
      }
      NDArray e = Npy.read(f, manager);
      if (e.getShape().dimension() != 2 || !e.getDataType().isFloating()) {
        throw new InvalidInputException("--cosine-to must be (samples, dim) floats, got " + e.getDataType() + " " + e.getShape());
      }
      return Target.cosineSimilarity(e.toType(DataType.FLOAT32, false));
    }
    if (a.get("--target").isPresent()) {
      String t = a.get("--target").get();
      try {
        return Target.ofClass(Integer.parseInt(t));
      } catch (NumberFormatException e) {
        throw new UsageException("--target must be a class index, got '" + t + "'");
      }
    }
    if (a.get("--targets").isPresent()) {
      Path f = Path.of(a.get("--targets").get());
      if (!Files.isRegularFile(f)) {
        throw new InvalidInputException("targets file not found: " + f);
      }
      try (NDManager m = manager.newSubManager()) {
        NDArray y = Npy.read(f, m);
        if (y.getShape().dimension() != 1 || y.getDataType().isFloating()) {
          throw new InvalidInputException("--targets must be a 1-d integer array, got " + y.getDataType() + " " + y.getShape());
        }
        return Target.perSample(y.toType(DataType.INT32, false).toIntArray());
      }
    }
    return Target.predicted();
  }
}
