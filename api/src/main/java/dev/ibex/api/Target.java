package dev.ibex.api;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * What to explain: a class index for every sample, one class per sample, the predicted class, or
 * any differentiable score over the model output (e.g. cosine similarity to a text embedding, which
 * is what CLIP attribution needs).
 *
 * <p>A target is resolved against the model's output on the original input ({@link #resolve}); that
 * is where ranges are checked and where "predicted" is decided, once.
 */
public abstract class Target {
  private final String description;

  private Target(String description) {
    this.description = Objects.requireNonNull(description);
  }

  /**
   * The same class for every sample.
   *
   * @param index class index, checked against the model's output width on resolution
   * @return the target
   * @throws InvalidInputException if the index is negative (it can never be a class)
   */
  public static Target ofClass(int index) {
    if (index < 0) {
      throw new InvalidInputException(
          "target class " + index + " is negative; classes are numbered from 0");
    }
    return new Classes(null, index, "class " + index);
  }

  /**
   * One class per sample.
   *
   * @param indices class index for each sample, in batch order
   * @return the target
   */
  public static Target perSample(int... indices) {
    return new Classes(indices.clone(), PREDICTED, "classes " + Arrays.toString(indices));
  }

  /**
   * @return the target "the class the model predicts for each sample" (argmax of the output)
   */
  public static Target predicted() {
    return new Classes(null, PREDICTED, "predicted class");
  }

  /**
   * A score function over the model output.
   *
   * @param description what the score is, for metadata
   * @param function the score
   * @return the target
   */
  public static Target score(String description, ScoreFunction function) {
    return new Score(description, function);
  }

  /**
   * Cosine similarity between each output row and a fixed embedding of its sample (eps 1e-6, as
   * {@code torch.cosine_similarity}): the image-text objective of NIB and M2IB.
   *
   * @param embeddings (samples, dim) constant embeddings, e.g. the paired text embeddings
   * @return the target
   */
  public static Target cosineSimilarity(NDArray embeddings) {
    checkArgument(
        embeddings.getShape().dimension() == 2,
        "embeddings must be (samples, dim), got %s",
        embeddings.getShape());
    return new Score(
        "cosine similarity to a given embedding",
        (output, rows) -> {
          if (output.getShape().dimension() != 2
              || output.getShape().get(1) != embeddings.getShape().get(1)) {
            throw new InvalidInputException(
                "cosine target needs (rows, "
                    + embeddings.getShape().get(1)
                    + ") outputs, got "
                    + output.getShape());
          }
          NDManager m = output.getManager();
          NDArray e = embeddings.toDevice(output.getDevice(), false).get(m.create(rows));
          NDArray dot = output.mul(e).sum(new int[] {1});
          NDArray norms = output.mul(output).sum(new int[] {1}).mul(e.mul(e).sum(new int[] {1}));
          // the floor is a graph constant: DJL's maximum(Number) frees the number before backward
          return dot.div(norms.maximum(GraphConstants.scalar(norms, 1e-12)).sqrt());
        });
  }

  /**
   * Class {@code classIndex}'s output summed over a spatial mask, for models whose output is
   * (samples, classes, H, W): {@code score_n = Σ_{h,w} out[n, K, h, w] · mask[h, w]}, as
   * pytorch-grad-cam's {@code SemanticSegmentationTarget}. The mask is usually 0/1 (a region, e.g.
   * where the model predicts {@code K}); any finite weights are allowed. It is copied, so the
   * caller may close it.
   *
   * @param classIndex the class K, checked against the output's classes when scored
   * @param mask (H, W) for every sample, or (samples, H, W) one per sample; H and W are the
   *     output's spatial size (the input's, for torchvision's segmentation models)
   * @return the target
   * @throws InvalidInputException if the class is negative or the mask is not 2-d or 3-d, empty, or
   *     not finite; a class out of range, an output that is not 4-d or a mask of another spatial
   *     size fail when the target is scored
   */
  public static Target segmentation(int classIndex, NDArray mask) {
    SegmentationScore score = new SegmentationScore(classIndex, mask);
    return new Score(score.describe(), score);
  }

  /**
   * Whether {@link #resolve} needs the model output on the input: true for class targets (ranges
   * are checked, "predicted" is decided there), false for score functions, which a method may then
   * resolve without spending a forward pass.
   *
   * @return whether resolution reads the model output
   */
  public abstract boolean needsModelOutput();

  /**
   * Binds this target to a batch, given the model output on that batch (one row per sample).
   *
   * @param outputOnInput model output on the original input ({@code null} is allowed when {@link
   *     #needsModelOutput()} is false)
   * @return the resolved target
   * @throws InvalidInputException if a class is out of range or the counts disagree
   */
  public abstract ResolvedTarget resolve(NDArray outputOnInput);

  /**
   * @return a short human description, stored in attribution metadata
   */
  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    return describe();
  }

  // Marks "no fixed class" in Classes; ofClass refuses negatives, so no index can collide with it.
  private static final int PREDICTED = -1;

  private static final class Classes extends Target {
    private final int[] perSample;
    private final int fixed;

    Classes(int[] perSample, int fixed, String description) {
      super(description);
      this.perSample = perSample;
      this.fixed = fixed;
    }

    @Override
    public boolean needsModelOutput() {
      return true;
    }

    @Override
    public ResolvedTarget resolve(NDArray out) {
      if (out == null) {
        throw new IllegalArgumentException("a class target is resolved against the model output");
      }
      if (out.getShape().dimension() != 2) {
        throw new InvalidInputException(
            "a class target needs model output of shape (samples, classes), got " + out.getShape());
      }
      int n = (int) out.getShape().get(0);
      int k = (int) out.getShape().get(1);
      int[] cls;
      if (perSample != null) {
        if (perSample.length != n) {
          throw new InvalidInputException(
              "got " + perSample.length + " targets for " + n + " samples");
        }
        cls = perSample.clone();
      } else if (fixed != PREDICTED) {
        cls = new int[n];
        Arrays.fill(cls, fixed);
      } else {
        cls =
            Arrays.stream(
                    out.argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray())
                .toArray();
      }
      for (int i = 0; i < n; i++) {
        if (cls[i] < 0 || cls[i] >= k) {
          throw new InvalidInputException(
              "target class "
                  + cls[i]
                  + " of sample "
                  + i
                  + " is out of range [0, "
                  + (k - 1)
                  + "]");
        }
      }
      return new ResolvedTarget() {
        @Override
        public NDArray score(NDArray output, int[] sampleOfRow) {
          int[] rowClass = IntStream.of(sampleOfRow).map(s -> cls[s]).toArray();
          NDArray oneHot =
              output
                  .getManager()
                  .create(rowClass)
                  .toDevice(output.getDevice(), false)
                  .oneHot(k)
                  .toType(output.getDataType(), false);
          return output.mul(oneHot).sum(new int[] {1});
        }

        @Override
        public Optional<int[]> classes() {
          return Optional.of(cls.clone());
        }
      };
    }
  }

  private static final class Score extends Target {
    private final ScoreFunction function;

    Score(String description, ScoreFunction function) {
      super(description);
      this.function = Objects.requireNonNull(function);
    }

    @Override
    public boolean needsModelOutput() {
      return false;
    }

    @Override
    public ResolvedTarget resolve(NDArray outputOnInput) {
      return new ResolvedTarget() {
        @Override
        public NDArray score(NDArray output, int[] sampleOfRow) {
          return function.score(output, sampleOfRow);
        }

        @Override
        public Optional<int[]> classes() {
          return Optional.empty();
        }
      };
    }
  }
}
