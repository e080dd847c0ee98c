package dev.ibex.demo.clip;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.ibex.api.model.TorchScriptModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The NIB experiment's CLIP-like model as a trainable TorchScript module: OpenAI CLIP ViT-B/32's
 * layout at toy width (4 blocks of width 32 per tower, 4 heads, 56x56 grey input in 8x8 patches =
 * 7x7 + class token = 50 tokens, {@link Captions#CONTEXT}-token captions, 32-d embeddings; 108,352
 * parameters), written with seeded random weights by {@code src/main/python/make_clip_demo.py} and
 * scripted but not frozen, so its parameters load as trainable leaves that DJL's autograd and
 * optimizers reach.
 *
 * <p>After training, {@link #save} writes the module with its trained weights; {@link #imageTower}
 * and {@link #textTower} load it as the explainable models the attribution methods see.
 */
public final class ClipDemoModel implements AutoCloseable {
  /** The resource the Python script wrote. */
  public static final String RESOURCE = "/dev/ibex/demo/clip/clip-demo.pt";

  /** The split point of both towers: the hidden state entering block 2 of 4. */
  public static final String IMAGE_LAYER = "image_2";

  /** The text tower's split point. */
  public static final String TEXT_LAYER = "text_2";

  /** The text tower's token embeddings (before block 0): saliency's and the text metrics' split. */
  public static final String TEXT_EMBEDDING = "text_0";

  private final Model model;
  private final PtSymbolBlock block;
  private final ParameterStore store;

  private ClipDemoModel(Model model) {
    this.model = model;
    this.block = (PtSymbolBlock) model.getBlock();
    this.store = new ParameterStore(model.getNDManager(), false);
  }

  /**
   * Loads the untrained model from the resource, with trainable parameters, on the CPU.
   *
   * @param workDir where to unpack the resource
   * @return the model; close it
   */
  public static ClipDemoModel untrained(Path workDir) {
    Path file = workDir.resolve("clip-demo-untrained.pt");
    try (InputStream in = ClipDemoModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing");
      }
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Model m = Model.newInstance("clip-demo", Device.cpu(), "PyTorch");
    try {
      m.load(file, null, Map.of("trainParam", "true"));
    } catch (IOException e) {
      m.close();
      throw new UncheckedIOException(e);
    } catch (MalformedModelException e) {
      m.close();
      throw new IllegalStateException(e);
    }
    return new ClipDemoModel(m);
  }

  /**
   * @return the trainable parameters, with their names
   */
  public List<Pair<String, NDArray>> parameters() {
    List<Pair<String, NDArray>> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.add(new Pair<>(p.getKey(), p.getValue().getArray()));
    }
    return out;
  }

  /**
   * @param pixels (N, 1, 56, 56)
   * @return the image embeddings (N, 32), unnormalised, in the autograd graph when recording
   */
  public NDArray encodeImage(NDArray pixels) {
    return call("encode_image", pixels);
  }

  /**
   * @param ids (N, {@link Captions#CONTEXT}) int64
   * @return the text embeddings (N, 32), unnormalised
   */
  public NDArray encodeText(NDArray ids) {
    return call("encode_text", ids);
  }

  private NDArray call(String method, NDArray input) {
    NDArray name = input.getManager().create("");
    name.setName("module_method:" + method);
    try {
      NDList out = block.forward(store, new NDList(input, name), true);
      return out.singletonOrThrow();
    } finally {
      name.close();
    }
  }

  /**
   * Writes the module with its current weights as a TorchScript file.
   *
   * @param file where
   */
  public void save(Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      JniUtils.writeModule(block, out, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The image tower of a saved model, split at {@link #IMAGE_LAYER}, with its attention probes.
   *
   * @param file a file {@link #save} wrote
   * @return the explainable image tower; close it
   */
  public static TorchScriptModel imageTower(Path file) {
    return TorchScriptModel.builder(file)
        .device(Device.cpu())
        .forwardMethod("encode_image")
        .layers(List.of(IMAGE_LAYER))
        .load();
  }

  /**
   * The text tower of a saved model, split at {@link #TEXT_LAYER} and {@link #TEXT_EMBEDDING} (its
   * tails take the ids: EOT pooling).
   *
   * @param file a file {@link #save} wrote
   * @return the explainable text tower; close it
   */
  public static TorchScriptModel textTower(Path file) {
    return TorchScriptModel.builder(file)
        .device(Device.cpu())
        .forwardMethod("encode_text")
        .layers(List.of(TEXT_LAYER, TEXT_EMBEDDING))
        .tailTakesInput(true)
        .load();
  }

  @Override
  public void close() {
    model.close();
  }
}
