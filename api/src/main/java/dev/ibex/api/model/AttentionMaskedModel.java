package dev.ibex.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.ModelOutputException;
import java.util.List;
import java.util.Optional;

/**
 * A token model that takes an attention mask beside its token ids, seen by attribution methods as a
 * model of the ids alone: the adapter derives the mask from the ids and a padding id and passes it
 * to every method it calls, so no attribution method needs to know about masks.
 *
 * <p>Contract of the TorchScript file: every method takes the mask as its last argument, int64 (N,
 * L), 1 for a token and 0 for padding (Hugging Face's {@code attention_mask}): {@code <entry>(ids,
 * mask)}, {@code to_<L>(ids, mask)} and {@code from_<L>(h, mask)}. Tails get the mask of the rows
 * they continue ({@link #fromLayer(String, NDArray, NDArray)}), which every ibex method that works
 * at a layer passes; the two-argument {@link #fromLayer(String, NDArray)} is refused.
 *
 * <pre>{@code
 * TorchScriptModel file = TorchScriptModel.builder(path).layers(List.of("embed")).load();
 * ExplainableModel model = AttentionMaskedModel.wrap(file, 0);   // padding id 0
 * }</pre>
 */
public final class AttentionMaskedModel implements ExplainableModel {
  private final TorchScriptModel model;
  private final long padId;
  private final PassCounter passes = new PassCounter();

  private AttentionMaskedModel(TorchScriptModel model, long padId) {
    this.model = model;
    this.padId = padId;
  }

  /**
   * Wraps a loaded TorchScript token model; closing the wrapper closes it.
   *
   * @param model the model whose methods take {@code (…, mask)}
   * @param padId the padding token id: the mask is 0 where the ids equal it
   * @return the adapter
   */
  public static AttentionMaskedModel wrap(TorchScriptModel model, long padId) {
    return new AttentionMaskedModel(model, padId);
  }

  /**
   * @return the padding token id
   */
  public long padId() {
    return padId;
  }

  /**
   * The attention mask of a batch of token ids.
   *
   * @param ids (N, L) integer ids
   * @return int64 (N, L): 1 for a token, 0 for padding
   */
  public NDArray mask(NDArray ids) {
    if (ids.getDataType().isFloating() || ids.getShape().dimension() != 2) {
      throw new InvalidInputException(
          "an attention-masked model takes (N, L) integer token ids, not "
              + ids.getDataType()
              + " "
              + ids.getShape());
    }
    return ids.toType(DataType.INT64, false).neq(padId).toType(DataType.INT64, false);
  }

  @Override
  public NDManager manager() {
    return model.manager();
  }

  @Override
  public NDArray forward(NDArray input) {
    NDArray out = single(model.entryPoint(), model.invoke(model.entryPoint(), input, mask(input)));
    passes.countForward(input.getShape().get(0));
    return out;
  }

  @Override
  public List<String> layers() {
    return model.layers();
  }

  @Override
  public NDArray toLayer(String layer, NDArray input) {
    return model.invoke("to_" + ExportMetadata.methodSuffix(layer), input, mask(input)).get(0);
  }

  @Override
  public NDArray fromLayer(String layer, NDArray activation) {
    throw new IllegalStateException(
        "from_" + layer + " takes the attention mask: call fromLayer(layer, activation, input)");
  }

  @Override
  public NDArray fromLayer(String layer, NDArray activation, NDArray input) {
    String method = "from_" + ExportMetadata.methodSuffix(layer);
    NDArray out = single(method, model.invoke(method, activation, mask(input)));
    passes.countForward(activation.getShape().get(0));
    return out;
  }

  private static NDArray single(String method, NDList out) {
    if (out.size() != 1) {
      throw new ModelOutputException(
          method + " returns " + out.size() + " outputs; an attention-masked model returns one");
    }
    return out.get(0);
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
}
