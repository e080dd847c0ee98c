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
import dev.ibex.api.UnknownLayerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adapts a TorchScript file (needs DJL's PyTorch engine at run time).
 *
 * <p>Split-point contract: a model that exports methods {@code to_<name>(x)} and {@code
 * from_<name>(z)} with {@code from_<name>(to_<name>(x)) == forward(x)} offers layer {@code <name>}
 * (in Python: decorate both with {@code @torch.jit.export}; when freezing, pass them in {@code
 * preserved_attrs}). TorchScript cannot list its methods, so layers are tried by name: a missing
 * method fails with {@link UnknownLayerException}; declared layers (see {@link #load(Path, Device,
 * List)}) are what {@link #layers()} reports.
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
  private final PassCounter passes = new PassCounter();

  private TorchScriptModel(Model model, List<String> declaredLayers) {
    this.model = model;
    this.block = model.getBlock();
    this.block.freezeParameters(true);
    this.store = new ParameterStore(model.getNDManager(), false);
    this.declaredLayers = ImmutableList.copyOf(declaredLayers);
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
    if (!Files.isRegularFile(file)) {
      throw new IbexException("model file not found: " + file);
    }
    Model model = Model.newInstance(file.getFileName().toString(), device, "PyTorch");
    try {
      model.load(file, null, Map.of("trainParam", "true"));
      return new TorchScriptModel(model, layers);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new IbexException("cannot load TorchScript model " + file + ": " + firstLine(e), e);
    }
  }

  /**
   * Loads a TorchScript file on DJL's default device (a GPU where one is visible, else the CPU).
   *
   * @param file the {@code .pt} file
   * @return the adapter
   */
  public static TorchScriptModel load(Path file) {
    return load(file, ai.djl.engine.Engine.getEngine("PyTorch").defaultDevice(), List.of());
  }

  @Override
  public NDManager manager() {
    return model.getNDManager();
  }

  @Override
  public NDArray forward(NDArray input) {
    NDArray out = call(null, input);
    passes.countForward(input.getShape().get(0));
    return out;
  }

  @Override
  public ImmutableList<String> layers() {
    return declaredLayers;
  }

  @Override
  public NDArray toLayer(String layer, NDArray input) {
    return call("to_" + layer, input);
  }

  @Override
  public NDArray fromLayer(String layer, NDArray activation) {
    NDArray out = call("from_" + layer, activation);
    passes.countForward(activation.getShape().get(0));
    return out;
  }

  private NDArray call(String method, NDArray input) {
    if (!input.getDevice().equals(device())) {
      throw new InvalidInputException(
          "input is on " + input.getDevice() + " but the model is on " + device());
    }
    NDList args = new NDList(input);
    NDArray name = null;
    if (method != null) {
      name = input.getManager().create("");
      name.setName("module_method:" + method);
      args.add(name);
    }
    try {
      NDList out = block.forward(store, args, true);
      return out.get(0);
    } catch (EngineException e) {
      String msg = String.valueOf(e.getMessage());
      if (method != null && msg.contains("is not defined")) {
        String layer = method.substring(method.indexOf('_') + 1);
        throw new UnknownLayerException(
            layer, declaredLayers, "the model exports no method '" + method + "'");
      }
      throw new InvalidInputException(
          "the model rejected an input of shape " + input.getShape() + ": " + firstLine(e));
    } finally {
      if (name != null) {
        name.close();
      }
    }
  }

  @Override
  public Optional<ImmutableList<Stage>> stages() {
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

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
