package dev.ibex.training.aib;

import static dev.ibex.api.GraphConstants.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.ibex.api.model.NativelyExplained;
import java.util.Optional;

/**
 * A classifier with AIB's variational spatial attention (Lai et al.): features f of the first
 * layers, attention μ_a = sigmoid(conv3x3(f)), σ_a = softplus(conv3x3(μ_a) − 5), a = μ_a + ε·σ_a,
 * optionally snapped to the nearest of Q trainable anchors with a straight-through gradient,
 * residual modulation f + f⊙a, the rest of the layers as VIB encoder to (μ, σ) of size K with σ =
 * softplus(· − 5), z = μ + ε·σ, and a decoder Linear(K,K)-ReLU-Linear(K,C). Logits are averaged
 * over samples (one in training, {@code testSamples} in inference).
 *
 * <p>In training the forward returns {@code [logits, μ, σ, a, a_q]} so that {@link AibTerm} can add
 * the KL, vq and commitment losses; in inference it returns the logits alone, so the trained block
 * serves (and is explained) like any classifier. Everything, anchors included, is saved and loaded
 * with {@link Block#saveParameters}. Its native explanation is the attention map ({@link
 * AibAttention}, {@code aib-attention}).
 */
public final class AibModel extends AbstractBlock implements NativelyExplained {
  /** The name of {@link AibAttention}, the attributor that reads this model's attention. */
  static final String ATTRIBUTOR = "aib-attention";

  private static final byte VERSION = 1;

  private final Block features;
  private final Conv2d attentionMean;
  private final Conv2d attentionScale;
  private final Block encoderTrunk;
  private final Linear encoderHead;
  private final Block decoder;
  private final Parameter anchors;
  private final int latent;
  private final boolean quantise;
  private final int testSamples;

  /**
   * @param features the layers that produce the attended feature map (N, C, h, w)
   * @param encoderTrunk the layers from the modulated feature map to the encoder's features
   * @param classes number of classes
   * @param latent K, the size of the VIB code
   * @param anchorCount Q, the number of anchor values
   * @param quantise whether to snap the attention to the anchors
   * @param testSamples samples averaged in inference
   */
  public AibModel(
      Block features,
      Block encoderTrunk,
      int classes,
      int latent,
      int anchorCount,
      boolean quantise,
      int testSamples) {
    super(VERSION);
    this.features = addChildBlock("features", features);
    this.attentionMean = addChildBlock("attentionMean", conv());
    this.attentionScale = addChildBlock("attentionScale", conv());
    this.encoderTrunk = addChildBlock("encoderTrunk", encoderTrunk);
    this.encoderHead = addChildBlock("encoderHead", Linear.builder().setUnits(2L * latent).build());
    this.decoder =
        addChildBlock(
            "decoder",
            new SequentialBlock()
                .add(Linear.builder().setUnits(latent).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build()));
    this.anchors =
        addParameter(
            Parameter.builder()
                .setName("anchors")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(anchorCount))
                .optInitializer(
                    (m, shape, type) -> m.linspace(0f, 1f, (int) shape.get(0)).toType(type, false))
                .build());
    this.latent = latent;
    this.quantise = quantise;
    this.testSamples = testSamples;
  }

  private static Conv2d conv() {
    return Conv2d.builder()
        .setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1))
        .setFilters(1)
        .build();
  }

  @Override
  public Optional<String> nativeAttributor() {
    return Optional.of(ATTRIBUTOR);
  }

  /**
   * @return the anchor values (Q,)
   */
  public NDArray anchors() {
    return anchors.getArray();
  }

  /**
   * The mean attention μ_a at the feature map's resolution (the explanation AIB offers).
   *
   * @param store parameter store
   * @param x images (N, C, H, W)
   * @return (N, 1, h, w) in (0, 1)
   */
  public NDArray attentionMean(ParameterStore store, NDArray x) {
    NDArray f = features.forward(store, new NDList(x), false).singletonOrThrow();
    return Activation.sigmoid(
        attentionMean.forward(store, new NDList(f), false).singletonOrThrow());
  }

  /**
   * Snaps every value to its nearest anchor (forward value only; no gradient to {@code a}).
   *
   * @param a attention values, any shape
   * @param anchorValues (Q,)
   * @return the nearest anchor of every value, a's shape; differentiable with respect to the
   *     anchors
   */
  public static NDArray nearestAnchor(NDArray a, NDArray anchorValues) {
    int q = (int) anchorValues.getShape().get(0);
    NDArray distance = a.stopGradient().expandDims(-1).sub(anchorValues.stopGradient()).abs();
    NDArray oneHot = distance.argMin(-1).oneHot(q).toType(anchorValues.getDataType(), false);
    return oneHot.mul(anchorValues).sum(new int[] {-1});
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDManager m = x.getManager();
    NDArray f = features.forward(store, new NDList(x), training).singletonOrThrow();
    NDArray mu =
        Activation.sigmoid(
            attentionMean.forward(store, new NDList(f), training).singletonOrThrow());
    NDArray sigma =
        Activation.softPlus(
            attentionScale.forward(store, new NDList(mu), training).singletonOrThrow().sub(5));
    NDArray anchorValues = store.getValue(anchors, x.getDevice(), training);
    int samples = training ? 1 : testSamples;
    NDArray logitSum = null;
    NDArray zMean = null;
    NDArray zScale = null;
    NDArray a = null;
    NDArray aq = null;
    for (int s = 0; s < samples; s++) {
      a = mu.add(m.randomNormal(0, 1, mu.getShape(), mu.getDataType()).mul(sigma));
      NDArray used = a;
      if (quantise) {
        aq = nearestAnchor(a, anchorValues);
        used = a.add(aq.sub(a).stopGradient()); // straight-through: forward a_q, gradient of a
      }
      NDArray modulated = f.add(f.mul(used));
      NDArray t = encoderTrunk.forward(store, new NDList(modulated), training).singletonOrThrow();
      NDArray e =
          encoderHead
              .forward(store, new NDList(t.reshape(t.getShape().get(0), -1)), training)
              .singletonOrThrow();
      zMean = e.get(":, :" + latent);
      zScale = Activation.softPlus(e.get(":, " + latent + ":").sub(5));
      NDArray z =
          zMean.add(m.randomNormal(0, 1, zMean.getShape(), zMean.getDataType()).mul(zScale));
      NDArray logits = decoder.forward(store, new NDList(z), training).singletonOrThrow();
      logitSum = logitSum == null ? logits : logitSum.add(logits);
    }
    NDArray logits = samples == 1 ? logitSum : logitSum.div(scalar(logitSum, samples));
    if (!training) {
      return new NDList(logits);
    }
    return new NDList(logits, zMean, zScale, a, quantise ? aq : a.stopGradient());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape f = features.getOutputShapes(inputShapes)[0];
    Shape t = encoderTrunk.getOutputShapes(new Shape[] {f})[0];
    Shape e = new Shape(t.get(0), 2L * latent);
    return decoder.getOutputShapes(new Shape[] {new Shape(e.get(0), latent)});
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    features.initialize(manager, dataType, in);
    Shape f = features.getOutputShapes(new Shape[] {in})[0];
    attentionMean.initialize(manager, dataType, f);
    Shape a = new Shape(f.get(0), 1, f.get(2), f.get(3));
    attentionScale.initialize(manager, dataType, a);
    encoderTrunk.initialize(manager, dataType, f);
    Shape t = encoderTrunk.getOutputShapes(new Shape[] {f})[0];
    Shape flat = new Shape(t.get(0), t.size() / t.get(0));
    encoderHead.initialize(manager, dataType, flat);
    decoder.initialize(manager, dataType, new Shape(t.get(0), latent));
  }
}
