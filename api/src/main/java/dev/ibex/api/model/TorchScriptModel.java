package dev.ibex.api.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableList;
import dev.ibex.api.IbexException;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.ModelOutputException;
import dev.ibex.api.UnknownLayerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adapts a TorchScript file (needs DJL's PyTorch engine at run time).
 *
 * <p>Split-point contract: a model that exports methods {@code to_<m>(x)} and {@code from_<m>(z)}
 * with {@code from_<m>(to_<m>(x)) == forward(x)} offers layer {@code <name>}, where {@code <m>} is
 * the name with every character other than a letter, digit or {@code _} replaced by {@code _}
 * ({@code features.18} → {@code to_features_18}; see {@link ExportMetadata#methodSuffix}). In
 * Python: decorate both with {@code @torch.jit.export}; when freezing, pass them in {@code
 * preserved_attrs}. TorchScript cannot list its methods, so layers are tried by name: a missing
 * method fails with {@link UnknownLayerException}. {@link #layers()} reports the declared layers
 * (see {@link #load(Path, Device, List)}), else those {@code ibex-export} recorded in the file
 * ({@link ExportMetadata}).
 *
 * <p>A split point inside a block is crossed by more than the activation (the residual stream
 * around a transformer block's norm): then {@code to_<m>(x)} returns the activation followed by the
 * other crossing tensors and {@code from_<m>(z, c1, …)} takes them back. Methods still see one
 * activation: the adapter holds the other tensors as constants, taken from {@code to_<m>} on the
 * same input rows ({@link #fromLayer(String, NDArray, NDArray)}; the two-argument form reuses the
 * last {@link #toLayer} of the calling thread).
 *
 * <p>A model with several entry points (a CLIP model's {@code encode_image} and {@code
 * encode_text}) is adapted once per entry point with {@link #builder(Path)}: {@link
 * Builder#forwardMethod} names the method that plays {@code forward}, and {@link
 * Builder#tailTakesInput} declares a tail {@code from_<name>(z, x)} that also takes the input (a
 * text tower pools at the EOT token of {@code x}).
 *
 * <p>A model whose forward returns several outputs (a tuple, or a dict such as torchvision's
 * segmentation models' {@code {"out": ..., "aux": ...}}) is explained on one of them, chosen with
 * {@link Builder#output(String)} (a dict's key) or {@link Builder#output(int)} (a tuple's index);
 * without a choice such a model fails with a {@link ModelOutputException} that lists its outputs.
 * The choice applies to {@code forward} and every {@code from_<name>}.
 *
 * <p>Export the model in eval mode and frozen ({@code torch.jit.freeze}), so that batch-norm is
 * folded with its running statistics. The adapter loads it with trainable parameters, freezes them
 * and runs forward in DJL's training mode only because PyTorch's inference mode refuses gradients.
 */
public final class TorchScriptModel implements ExplainableModel {
  private final Model model;
  private final Block block;
  private final ParameterStore store;
  private final ImmutableList<String> declaredLayers;
  private final String forwardMethod;
  private final boolean tailTakesInput;
  private final OutputChoice output;
  private final Optional<ExportMetadata> metadata;
  private final Map<String, Integer> extraTensors = new ConcurrentHashMap<>();
  private final ThreadLocal<Crossing> lastCrossing = new ThreadLocal<>();
  private final PassCounter passes = new PassCounter();

  private TorchScriptModel(Model model, Builder b) {
    this.model = model;
    this.block = model.getBlock();
    this.block.freezeParameters(true);
    this.store = new ParameterStore(model.getNDManager(), false);
    this.metadata = b.metadata;
    this.declaredLayers =
        !b.layers.isEmpty() || b.metadata.isEmpty()
            ? ImmutableList.copyOf(b.layers)
            : b.metadata.get().layers().stream()
                .map(ExportMetadata.Layer::name)
                .collect(ImmutableList.toImmutableList());
    b.metadata.ifPresent(
        m -> m.layers().forEach(l -> extraTensors.put(l.name(), l.extraTensors())));
    this.forwardMethod = b.forwardMethod;
    this.tailTakesInput = b.tailTakesInput;
    this.output = b.output;
  }

  /**
   * Starts loading a TorchScript file with more than the defaults.
   *
   * @param file the {@code .pt} file
   * @return a builder
   */
  public static Builder builder(Path file) {
    return new Builder(file);
  }

  /**
   * Loads a TorchScript file on a device.
   *
   * @param file the {@code .pt} file
   * @param device where to run it (e.g. {@code Device.cpu()}, {@code Device.gpu()})
   * @param layers split points the model is known to offer (may be empty)
   * @return the adapter; close it to free the model
   * @throws IbexException if the file is missing or not a TorchScript model
   */
  public static TorchScriptModel load(Path file, Device device, List<String> layers) {
    return builder(file).device(device).layers(layers).load();
  }

  /**
   * Loads a TorchScript file on DJL's default device (a GPU where one is visible, else the CPU).
   *
   * @param file the {@code .pt} file
   * @return the adapter
   */
  public static TorchScriptModel load(Path file) {
    return builder(file).load();
  }

  @Override
  public NDManager manager() {
    return model.getNDManager();
  }

  @Override
  public NDArray forward(NDArray input) {
    NDArray out = output.pick(call(forwardMethod, input), forwardMethod(forwardMethod));
    passes.countForward(input.getShape().get(0));
    return out;
  }

  @Override
  public List<String> layers() {
    return declaredLayers;
  }

  /**
   * @return what {@code ibex-export} recorded in the file, if it wrote it
   */
  public Optional<ExportMetadata> metadata() {
    return metadata;
  }

  @Override
  public NDArray toLayer(String layer, NDArray input) {
    NDList out = call("to_" + ExportMetadata.methodSuffix(layer), input);
    extraTensors.put(layer, out.size() - 1);
    if (out.size() > 1) {
      lastCrossing.set(new Crossing(layer, input, constants(out)));
    }
    return out.get(0);
  }

  @Override
  public NDArray fromLayer(String layer, NDArray activation) {
    if (tailTakesInput) {
      throw new IllegalStateException(
          "from_" + layer + " takes the input too: call fromLayer(layer, activation, input)");
    }
    if (extraTensors.getOrDefault(layer, 0) == 0) {
      return tail(layer, activation);
    }
    Crossing last = lastCrossing.get();
    if (last == null || !last.layer().equals(layer) || last.released()) {
      throw new InvalidInputException(
          "split point "
              + layer
              + " is crossed by "
              + extraTensors.get(layer)
              + " more tensor(s) besides the activation: call fromLayer(layer, activation, input)"
              + " so that they can be taken from the input");
    }
    return tail(layer, activation, last.tensors());
  }

  @Override
  public NDArray fromLayer(String layer, NDArray activation, NDArray input) {
    if (tailTakesInput) {
      NDArray out =
          output.pick(
              call("from_" + ExportMetadata.methodSuffix(layer), activation, input),
              "from_" + layer);
      passes.countForward(activation.getShape().get(0));
      return out;
    }
    if (!extraTensors.containsKey(layer)) {
      crossing(layer, input); // learns how many tensors cross, once
    }
    if (extraTensors.get(layer) == 0) {
      return tail(layer, activation);
    }
    return tail(layer, activation, crossing(layer, input));
  }

  /** The other tensors that cross a split point on these input rows (cached for the same rows). */
  private NDList crossing(String layer, NDArray input) {
    Crossing last = lastCrossing.get();
    if (last != null && last.layer().equals(layer) && last.input() == input && !last.released()) {
      return last.tensors();
    }
    NDList out = call("to_" + ExportMetadata.methodSuffix(layer), input);
    extraTensors.put(layer, out.size() - 1);
    out.get(0).close();
    NDList tensors = constants(out);
    if (!tensors.isEmpty()) {
      lastCrossing.set(new Crossing(layer, input, tensors));
    }
    return tensors;
  }

  /** The crossing tensors of a {@code to_} call, detached: constants for the methods. */
  private static NDList constants(NDList out) {
    NDList tensors = new NDList();
    for (int i = 1; i < out.size(); i++) {
      tensors.add(out.get(i).stopGradient());
      out.get(i).close();
    }
    return tensors;
  }

  private NDArray tail(String layer, NDArray activation, NDList crossing) {
    long rows = activation.getShape().get(0);
    for (NDArray c : crossing) {
      if (c.getShape().isScalar() || c.getShape().get(0) != rows) {
        throw new InvalidInputException(
            "split point "
                + layer
                + ": the activation has "
                + rows
                + " rows but the tensors crossing with it "
                + c.getShape()
                + ": give the input rows the activation rows derive from");
      }
    }
    NDArray[] args = new NDArray[crossing.size() + 1];
    args[0] = activation;
    for (int i = 0; i < crossing.size(); i++) {
      args[i + 1] = crossing.get(i);
    }
    NDArray out =
        output.pick(call("from_" + ExportMetadata.methodSuffix(layer), args), "from_" + layer);
    passes.countForward(rows);
    return out;
  }

  private NDArray tail(String layer, NDArray activation) {
    return tail(layer, activation, new NDList());
  }

  /** The tensors that crossed a split point with the activation of one input, on one thread. */
  private record Crossing(String layer, NDArray input, NDList tensors) {
    boolean released() {
      return tensors.stream().anyMatch(NDArray::isReleased);
    }
  }

  private static String forwardMethod(String method) {
    return method == null ? "forward" : method;
  }

  /**
   * Calls an exported method ({@code null}: forward) with the given tensors; its outputs are a
   * tuple's tensors in order or a dict's tensors named by their keys.
   */
  private NDList call(String method, NDArray... inputs) {
    NDArray input = inputs[0];
    for (NDArray in : inputs) {
      if (!in.getDevice().equals(device())) {
        throw new InvalidInputException(
            "input is on " + in.getDevice() + " but the model is on " + device());
      }
    }
    NDList args = new NDList(inputs);
    NDArray name = null;
    if (method != null) {
      name = input.getManager().create("");
      name.setName("module_method:" + method);
      args.add(name);
    }
    try {
      return block.forward(store, args, true);
    } catch (UnsupportedOperationException e) {
      // DJL reads tensors, tuples and lists of them, and dicts of tensors; nothing else
      throw new ModelOutputException(
          forwardMethod(method)
              + " returns a value ibex cannot read ("
              + firstLine(e)
              + "): return a tensor, a tuple of tensors or a Dict[str, Tensor]");
    } catch (EngineException e) {
      String msg = String.valueOf(e.getMessage());
      if (method != null
          && msg.contains("is not defined")
          && (method.startsWith("to_") || method.startsWith("from_"))) {
        String suffix = method.substring(method.indexOf('_') + 1);
        String layer =
            declaredLayers.stream()
                .filter(l -> ExportMetadata.methodSuffix(l).equals(suffix))
                .findFirst()
                .orElse(suffix);
        throw new UnknownLayerException(
            layer, declaredLayers, "the model exports no method '" + method + "'");
      }
      throw new InvalidInputException(
          "the model rejected an input of shape " + input.getShape() + ": " + reason(e), e);
    } finally {
      if (name != null) {
        name.close();
      }
    }
  }

  @Override
  public Optional<List<Stage>> stages() {
    return Optional.empty();
  }

  @Override
  public PassCounter passes() {
    return passes;
  }

  @Override
  public void close() {
    model.close();
  }

  /** Loads a TorchScript file with options beyond {@link #load(Path, Device, List)}. */
  public static final class Builder {
    private final Path file;
    private Device device;
    private List<String> layers = List.of();
    private String forwardMethod;
    private boolean tailTakesInput;
    private OutputChoice output = OutputChoice.ONLY;
    private Optional<ExportMetadata> metadata = Optional.empty();

    private Builder(Path file) {
      this.file = file;
    }

    /**
     * @param d where to run the model (default: DJL's default device for PyTorch)
     * @return this builder
     */
    public Builder device(Device d) {
      this.device = d;
      return this;
    }

    /**
     * @param names split points the model is known to offer
     * @return this builder
     */
    public Builder layers(List<String> names) {
      this.layers = List.copyOf(names);
      return this;
    }

    /**
     * @param method the exported method that plays {@code forward} (e.g. {@code encode_image});
     *     {@code null} for {@code forward} itself
     * @return this builder
     */
    public Builder forwardMethod(String method) {
      this.forwardMethod = method;
      return this;
    }

    /**
     * @param takesInput whether every {@code from_<name>} takes {@code (z, x)} rather than {@code
     *     (z)}
     * @return this builder
     */
    public Builder tailTakesInput(boolean takesInput) {
      this.tailTakesInput = takesInput;
      return this;
    }

    /**
     * Chooses the output to explain by name, for a model whose forward returns a dict (e.g. {@code
     * "out"} of a torchvision segmentation model's {@code {"out": ..., "aux": ...}}).
     *
     * @param name the dict key
     * @return this builder
     */
    public Builder output(String name) {
      this.output = OutputChoice.named(name);
      return this;
    }

    /**
     * Chooses the output to explain by position, for a model whose forward returns a tuple.
     *
     * @param index the position in the tuple, from 0
     * @return this builder
     */
    public Builder output(int index) {
      this.output = OutputChoice.at(index);
      return this;
    }

    /**
     * Loads the model.
     *
     * @return the adapter; close it to free the model
     * @throws IbexException if the file is missing or not a TorchScript model
     */
    public TorchScriptModel load() {
      if (!Files.isRegularFile(file)) {
        throw new IbexException("model file not found: " + file);
      }
      Device d =
          device != null ? device : ai.djl.engine.Engine.getEngine("PyTorch").defaultDevice();
      metadata = ExportMetadata.read(file);
      Model model = Model.newInstance(file.getFileName().toString(), d, "PyTorch");
      try {
        model.load(file, null, Map.of("trainParam", "true"));
        return new TorchScriptModel(model, this);
      } catch (IOException | MalformedModelException | RuntimeException e) {
        model.close();
        throw new IbexException("cannot load TorchScript model " + file + ": " + firstLine(e), e);
      }
    }
  }

  /**
   * The engine's own reason: TorchScript's first line is only "The following operation failed in
   * the TorchScript interpreter", the cause ("… expected input[2, 1, 32, 32] to have 3 channels …")
   * is the last {@code RuntimeError:} line of its trace.
   */
  private static String reason(Throwable e) {
    String m = String.valueOf(e.getMessage());
    String found = null;
    for (String line : m.split("\n")) {
      int at = line.indexOf("Error: ");
      if (at >= 0 && line.substring(0, at).matches("\\s*[A-Za-z.]*")) {
        found = line.substring(at + "Error: ".length()).trim();
      }
    }
    return found == null || found.isEmpty() ? firstLine(e) : found;
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
