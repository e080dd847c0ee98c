package dev.ibex.demo.clip;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains the {@link ClipDemoModel} contrastively on {@link CaptionedScenes}, CLIP's way: both
 * embeddings L2-normalised, cosine logits over the batch divided by a fixed temperature, the
 * symmetric InfoNCE loss (image to text and text to image cross-entropy, averaged), Adam with a
 * cosine learning-rate decay and gradient clipping. Captions repeat within a batch ("a bag" for
 * several scenes), so the target of a row is spread evenly over every column with the same caption
 * instead of the diagonal alone: a duplicate is not pushed away as a negative. Retrieval on a
 * held-out set after every epoch.
 */
public final class ContrastiveTraining {

  /**
   * One epoch.
   *
   * @param epoch from 1
   * @param loss mean training loss over its batches
   * @param retrieval on the held-out pairs after it
   * @param seconds wall time of its training steps
   */
  public record Epoch(int epoch, double loss, Retrieval retrieval, double seconds) {}

  /**
   * A finished run.
   *
   * @param curve one entry per epoch
   * @param before retrieval of the untrained model
   * @param batchLosses the loss of every batch, in order
   * @param seconds wall time of all training steps
   */
  public record Result(
      List<Epoch> curve, Retrieval before, List<Double> batchLosses, double seconds) {
    /**
     * @return retrieval after the last epoch
     */
    public Retrieval last() {
      return curve.isEmpty() ? before : curve.get(curve.size() - 1).retrieval();
    }
  }

  private final ClipDemoModel model;
  private final NibConfig config;
  private final Consumer<String> progress;

  /**
   * @param model the model to train in place
   * @param config epochs, batch size, learning rate, temperature, seed
   * @param progress receives one line per epoch
   */
  public ContrastiveTraining(ClipDemoModel model, NibConfig config, Consumer<String> progress) {
    this.model = model;
    this.config = config;
    this.progress = progress;
  }

  /**
   * Trains.
   *
   * @param train the training pairs
   * @param heldOut the pairs retrieval is measured on (never trained on)
   * @return the curve
   */
  public Result fit(CaptionedScenes.Set train, CaptionedScenes.Set heldOut) {
    List<Pair<String, NDArray>> params = model.parameters();
    Random r = new Random(config.shuffleSeed());
    int n = train.size();
    int b = config.batchSize();
    int steps = Math.max(1, config.epochs() * (n / b));
    // cosine decay to a tenth over the run: the toy transformer needs the high rate early and a
    // low one to settle
    Optimizer adam =
        Optimizer.adam()
            .optLearningRateTracker(
                Tracker.cosine()
                    .setBaseValue(config.learningRate())
                    .optFinalValue(config.learningRate() / 10)
                    .setMaxUpdates(steps)
                    .build())
            .optClipGrad(1f)
            .build();
    Retrieval before = retrieval(heldOut);
    List<Epoch> curve = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    double total = 0;
    for (int epoch = 1; epoch <= config.epochs(); epoch++) {
      int[] order = shuffled(n, r);
      long start = System.nanoTime();
      double sum = 0;
      int batches = 0;
      for (int from = 0; from + b <= n; from += b) {
        int[] rows = Arrays.copyOfRange(order, from, from + b);
        double loss = step(train, rows, params, adam);
        losses.add(loss);
        sum += loss;
        batches++;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      total += seconds;
      Retrieval ret = retrieval(heldOut);
      Epoch e = new Epoch(epoch, sum / Math.max(1, batches), ret, seconds);
      curve.add(e);
      progress.accept(
          String.format(
              java.util.Locale.ROOT,
              "nib: epoch %d/%d loss %.3f, retrieval image->text %.3f text->image %.3f (chance"
                  + " %.3f), %.1f s",
              epoch,
              config.epochs(),
              e.loss(),
              ret.imageToText(),
              ret.textToImage(),
              ret.chance(),
              seconds));
    }
    return new Result(curve, before, losses, total);
  }

  /** One Adam step on a batch; returns its loss. */
  private double step(
      CaptionedScenes.Set data, int[] rows, List<Pair<String, NDArray>> params, Optimizer adam) {
    NDManager base = params.get(0).getValue().getManager();
    try (NDManager m = base.newSubManager();
        GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray x = data.images(m, rows);
      NDArray ids = data.captions(m, rows);
      NDArray img = normalised(model.encodeImage(x));
      NDArray txt = normalised(model.encodeText(ids));
      NDArray logits = img.matMul(txt.transpose()).div(config.temperature());
      NDArray targets = m.create(sameCaption(data, rows), new Shape(rows.length, rows.length));
      NDArray i2t = logits.logSoftmax(1).mul(targets).sum(new int[] {1}).mean().neg();
      NDArray t2i = logits.transpose().logSoftmax(1).mul(targets).sum(new int[] {1}).mean().neg();
      NDArray loss = i2t.add(t2i).div(2);
      gc.backward(loss);
      for (Pair<String, NDArray> p : params) {
        NDArray w = p.getValue();
        NDArray g = w.getGradient();
        adam.update(p.getKey(), w, g);
        JniUtils.zeroGrad((PtNDArray) w);
      }
      return loss.getFloat();
    }
  }

  /** Row-stochastic targets: 1/k on each of the k columns whose caption equals the row's. */
  private static float[] sameCaption(CaptionedScenes.Set data, int[] rows) {
    int n = rows.length;
    String[] key = new String[n];
    for (int i = 0; i < n; i++) {
      key[i] = Arrays.toString(data.caption(rows[i]));
    }
    float[] t = new float[n * n];
    for (int i = 0; i < n; i++) {
      int same = 0;
      for (int j = 0; j < n; j++) {
        same += key[i].equals(key[j]) ? 1 : 0;
      }
      for (int j = 0; j < n; j++) {
        t[i * n + j] = key[i].equals(key[j]) ? 1f / same : 0f;
      }
    }
    return t;
  }

  private static NDArray normalised(NDArray e) {
    return e.div(e.norm(new int[] {1}, true).add(1e-6f));
  }

  /**
   * Retrieval of the model as it is now on a set of pairs (no gradients).
   *
   * @param pairs the pairs
   * @return top-1 retrieval both ways
   */
  public Retrieval retrieval(CaptionedScenes.Set pairs) {
    NDManager base = model.parameters().get(0).getValue().getManager();
    try (NDManager m = base.newSubManager()) {
      int n = pairs.size();
      NDList images = new NDList();
      NDList texts = new NDList();
      int chunk = 256;
      for (int from = 0; from < n; from += chunk) {
        int[] rows = new int[Math.min(chunk, n - from)];
        for (int k = 0; k < rows.length; k++) {
          rows[k] = from + k;
        }
        images.add(model.encodeImage(pairs.images(m, rows)).stopGradient());
        texts.add(model.encodeText(pairs.captions(m, rows)).stopGradient());
      }
      return Retrieval.of(NDArrays.concat(images), NDArrays.concat(texts), pairs.captions());
    }
  }

  private static int[] shuffled(int n, Random r) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
