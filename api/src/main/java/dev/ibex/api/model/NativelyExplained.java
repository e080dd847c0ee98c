package dev.ibex.api.model;

import ai.djl.nn.Block;
import java.util.Optional;

/**
 * A capability of a trained model: it carries its own explanation, which a named attributor reads
 * (e.g. a model trained with the {@code aib} regularizer and its {@code aib-attention} map). A
 * block or an {@link ExplainableModel} implements it; hosts ask for the capability instead of
 * testing concrete model classes:
 *
 * <pre>{@code
 * String method = NativelyExplained.attributorFor(block).orElse("saliency");
 * }</pre>
 */
public interface NativelyExplained {
  /**
   * @return the name of the attributor that explains this model natively, if it has one
   */
  Optional<String> nativeAttributor();

  /**
   * The native attributor of a block, if it offers one.
   *
   * @param block a (trained) block
   * @return the attributor's name, or empty when the block has no native explanation
   */
  static Optional<String> attributorFor(Block block) {
    return block instanceof NativelyExplained
        ? ((NativelyExplained) block).nativeAttributor()
        : Optional.empty();
  }

  /**
   * The native attributor of a model: the model's own, else (for a {@link BlockModel}) its block's.
   *
   * @param model an explainable model
   * @return the attributor's name, or empty when the model has no native explanation
   */
  static Optional<String> attributorFor(ExplainableModel model) {
    if (model instanceof NativelyExplained) {
      return ((NativelyExplained) model).nativeAttributor();
    }
    return model instanceof BlockModel
        ? attributorFor(((BlockModel) model).block())
        : Optional.empty();
  }
}
