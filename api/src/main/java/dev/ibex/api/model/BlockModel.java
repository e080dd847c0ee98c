package dev.ibex.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import dev.ibex.api.UnknownLayerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Adapts an initialised DJL {@link Block} built in Java.
 *
 * <p>A {@link SequentialBlock} exposes its children as layers and stages automatically, under DJL's
 * child names ({@code 01Conv2d}, {@code 02LambdaBlock}, …): {@code toLayer(L, x)} runs the children
 * up to and including {@code L}. A ReLU stage is a child {@link LambdaBlock} named {@code ReLU}
 * (what {@code Activation.reluBlock()} builds) or one whose name is "relu" in any case.
 *
 * <p>The forward runs with {@code training=false} (eval semantics). While the adapter is open the
 * block's parameters are frozen so that attribution neither computes nor accumulates parameter
 * gradients; {@link #close()} restores them.
 */
public final class BlockModel implements ExplainableModel {
  private final Block block;
  private final NDManager manager;
  private final ParameterStore store;
  private final ImmutableList<Pair<String, Block>> children;
  private final List<Parameter> frozen = new ArrayList<>();
  private final PassCounter passes = new PassCounter();

  private BlockModel(Block block, NDManager manager) {
    if (!block.isInitialized()) {
      throw new IllegalArgumentException("the block must be initialised before it is explained");
    }
    this.block = block;
    this.manager = manager;
    this.store = new ParameterStore(manager, false);
    ImmutableList.Builder<Pair<String, Block>> b = ImmutableList.builder();
    if (block instanceof SequentialBlock) {
      block.getChildren().forEach(p -> b.add(new Pair<>(p.getKey(), p.getValue())));
    }
    this.children = b.build();
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter param = p.getValue();
      if (param.isInitialized() && param.getArray().hasGradient()) {
        param.freeze(true);
        frozen.add(param);
      }
    }
  }

  /**
   * Wraps an initialised block.
   *
   * @param block the model; a {@link SequentialBlock} offers its children as layers
   * @param manager the manager its parameters live on
   * @return the adapter
   */
  public static BlockModel of(Block block, NDManager manager) {
    return new BlockModel(block, manager);
  }

  /**
   * @return the wrapped block
   */
  public Block block() {
    return block;
  }

  @Override
  public NDManager manager() {
    return manager;
  }

  @Override
  public NDArray forward(NDArray input) {
    NDArray out = evaluate(block, store, input);
    passes.countForward(input.getShape().get(0));
    return out;
  }

  @Override
  public List<String> layers() {
    return children.stream().map(Pair::getKey).collect(ImmutableList.toImmutableList());
  }

  private int indexOf(String layer) {
    for (int i = 0; i < children.size(); i++) {
      if (children.get(i).getKey().equals(layer)) {
        return i;
      }
    }
    throw new UnknownLayerException(
        layer,
        layers(),
        children.isEmpty()
            ? "only a SequentialBlock exposes layers; this is a " + block.getClass().getSimpleName()
            : "no child of that name");
  }

  @Override
  public NDArray toLayer(String layer, NDArray input) {
    int end = indexOf(layer);
    NDArray x = input;
    for (int i = 0; i <= end; i++) {
      x = evaluate(children.get(i).getValue(), store, x);
    }
    return x;
  }

  @Override
  public NDArray fromLayer(String layer, NDArray activation) {
    int start = indexOf(layer) + 1;
    NDArray x = activation;
    for (int i = start; i < children.size(); i++) {
      x = evaluate(children.get(i).getValue(), store, x);
    }
    passes.countForward(activation.getShape().get(0));
    return x;
  }

  @Override
  public Optional<List<Stage>> stages() {
    if (children.isEmpty()) {
      return Optional.empty();
    }
    ImmutableList.Builder<Stage> b = ImmutableList.builder();
    for (Pair<String, Block> child : children) {
      b.add(new ChildStage(child.getKey(), child.getValue(), store));
    }
    return Optional.of(b.build());
  }

  @Override
  public PassCounter passes() {
    return passes;
  }

  @Override
  public void close() {
    for (Parameter p : frozen) {
      p.freeze(false);
    }
    frozen.clear();
  }

  // a block (the model or one child) with eval semantics on one input
  private static NDArray evaluate(Block block, ParameterStore store, NDArray x) {
    return block.forward(store, new NDList(x), false).singletonOrThrow();
  }

  /** A child of the sequential block as a stage, run on the adapter's parameter store. */
  private record ChildStage(String name, Block child, ParameterStore store) implements Stage {
    @Override
    public boolean isRelu() {
      return child instanceof LambdaBlock
          && ((LambdaBlock) child).getName().toLowerCase(Locale.ROOT).equals("relu");
    }

    @Override
    public NDArray apply(NDArray input) {
      return evaluate(child, store, input);
    }
  }
}
