package dev.ibex.attribution.wrapper;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.PassCounter;
import dev.ibex.api.model.Stage;
import java.util.List;
import java.util.Optional;

/**
 * A token model seen through noise at its embedding split point, for the noise tunnel on token ids
 * (noise on integer ids means nothing): {@code toLayer(layer, ids)} of exactly the noisy rows' ids
 * returns their embeddings plus the rows' noise; any other ids (a path method's reference sequence)
 * get clean embeddings. Everything else, passes included, is the wrapped model's.
 */
final class NoisyEmbeddings implements ExplainableModel {
  private final ExplainableModel model;
  private final String layer;
  private final NDArray ids;
  private final NDArray noise;

  /**
   * @param model the token model
   * @param layer its embedding split point
   * @param ids (rows, L) the ids of the noisy rows
   * @param noise (rows, L, D) the noise added to their embeddings
   */
  NoisyEmbeddings(ExplainableModel model, String layer, NDArray ids, NDArray noise) {
    this.model = model;
    this.layer = layer;
    this.ids = ids;
    this.noise = noise;
  }

  @Override
  public NDManager manager() {
    return model.manager();
  }

  @Override
  public NDArray forward(NDArray input) {
    return model.forward(input);
  }

  @Override
  public List<String> layers() {
    return model.layers();
  }

  @Override
  public NDArray toLayer(String name, NDArray input) {
    NDArray h = model.toLayer(name, input);
    boolean noisyRows = name.equals(layer) && input.getShape().equals(ids.getShape());
    return noisyRows && input.contentEquals(ids) ? h.add(noise) : h;
  }

  @Override
  public NDArray fromLayer(String name, NDArray activation) {
    return model.fromLayer(name, activation);
  }

  @Override
  public NDArray fromLayer(String name, NDArray activation, NDArray input) {
    return model.fromLayer(name, activation, input);
  }

  @Override
  public Optional<List<Stage>> stages() {
    return Optional.empty();
  }

  @Override
  public PassCounter passes() {
    return model.passes();
  }

  /** The wrapped model is the caller's: nothing to release. */
  @Override
  public void close() {}
}
