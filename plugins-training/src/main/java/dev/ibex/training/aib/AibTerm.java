package dev.ibex.training.aib;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.ibex.api.GraphConstants.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.RegularizerTerm;
import dev.ibex.api.TrainingStep;
import dev.ibex.api.options.Options;

/** The per-run AIB term: wraps the classifier in an {@link AibModel} and adds its losses. */
public final class AibTerm implements RegularizerTerm {
  private final Options options;

  /**
   * @param options the options of {@link Aib}
   */
  AibTerm(Options options) {
    this.options = options;
  }

  /**
   * Splits a sequential classifier: its first {@code feature-layers} children produce the attended
   * features, the following children up to (not including) the last form the encoder trunk, and the
   * last child (the classification head) is replaced by the VIB encoder head and decoder.
   */
  @Override
  public Block wrap(Block classifier) {
    if (!(classifier instanceof SequentialBlock)) {
      throw new InvalidInputException(
          "aib wraps a SequentialBlock classifier, got " + classifier.getClass().getSimpleName());
    }
    if (classifier.isInitialized()) {
      throw new InvalidInputException(
          "aib needs an uninitialised classifier (it adds and initialises its own blocks)");
    }
    int featureLayers = options.getInt("feature-layers");
    var children = classifier.getChildren();
    if (children.size() < featureLayers + 2) {
      throw new InvalidInputException(
          "aib needs more than feature-layers + 1 = "
              + (featureLayers + 1)
              + " children (features, encoder trunk, head); the classifier has "
              + children.size());
    }
    SequentialBlock features = new SequentialBlock();
    SequentialBlock trunk = new SequentialBlock();
    for (int i = 0; i < children.size() - 1; i++) {
      (i < featureLayers ? features : trunk).add(children.get(i).getValue());
    }
    return new AibModel(
        features,
        trunk,
        options.getInt("classes"),
        options.getInt("latent"),
        options.getInt("anchors"),
        options.getBoolean("quantise"),
        options.getInt("test-samples"));
  }

  @Override
  public NDArray loss(TrainingStep step) {
    NDList out = step.outputs();
    checkArgument(out.size() == 5, "aib's loss needs the training outputs of an AibModel");
    NDArray kl = klToStandardNormal(out.get(1), out.get(2));
    NDArray a = out.get(3);
    NDArray aq = out.get(4);
    NDArray vq = aq.sub(a.stopGradient()).square().mean();
    NDArray commit = a.sub(aq.stopGradient()).square().mean();
    step.log("aib/kl", kl.toType(DataType.FLOAT64, false).getDouble());
    step.log("aib/vq", vq.toType(DataType.FLOAT64, false).getDouble());
    step.log("aib/commit", commit.toType(DataType.FLOAT64, false).getDouble());
    NDArray total = kl.mul(scalar(kl, options.getDouble("beta")));
    if (options.getBoolean("quantise")) {
      total =
          total
              .add(vq.mul(scalar(vq, options.getDouble("lambda-q"))))
              .add(commit.mul(scalar(commit, options.getDouble("lambda-c"))));
    }
    return total;
  }

  /**
   * KL(N(μ, σ²) ‖ N(0, I)) summed over the code and averaged over the batch, with the same σ the
   * sample was drawn with (the authors' code uses exp(σ) here: a bug not reproduced).
   *
   * @param mu (N, K)
   * @param sigma (N, K), positive
   * @return scalar
   */
  public static NDArray klToStandardNormal(NDArray mu, NDArray sigma) {
    NDArray perDim =
        mu.square()
            .add(sigma.square())
            .sub(sigma.log().mul(scalar(sigma, 2)))
            .sub(1)
            .mul(scalar(sigma, 0.5));
    return perDim.sum(new int[] {1}).mean();
  }
}
