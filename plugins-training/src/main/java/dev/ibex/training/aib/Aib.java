package dev.ibex.training.aib;

import com.google.auto.service.AutoService;
import dev.ibex.api.Regularizer;
import dev.ibex.api.RegularizerTerm;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.spi.AbstractRegularizer;

/**
 * AIB, the information-bottleneck spatial attention of Lai et al. (IJCAI 2021): wraps a sequential
 * classifier in an {@link AibModel} (variational attention on an intermediate feature map, anchor
 * quantisation, VIB encoder/decoder) and adds β·KL + λ_q·vq + λ_c·commitment to the cross-entropy.
 * The trained attention mean is the explanation ({@code aib-attention}).
 */
@AutoService(Regularizer.class)
public final class Aib extends AbstractRegularizer {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.integer(
                  "feature-layers",
                  3,
                  "children of the sequential classifier that produce the attended feature map")
              .withRange(1, 1000),
          OptionSpec.integer("classes", 10, "number of classes of the decoder")
              .withRange(2, 100000),
          OptionSpec.integer("latent", 256, "K, size of the VIB code").withRange(1, 65536),
          OptionSpec.integer(
                  "anchors", 20, "Q, number of trainable anchor values, initialised linspace(0, 1)")
              .withRange(2, 1000),
          OptionSpec.bool(
              "quantise",
              true,
              "snap attention to the nearest anchor (straight-through); false = AIB without -qt"),
          OptionSpec.integer("test-samples", 4, "samples averaged at inference (1 in training)")
              .withRange(1, 64),
          OptionSpec.real("beta", 0.01, "weight of the KL to N(0, I)").withMin(0),
          OptionSpec.real("lambda-q", 0.4, "weight of the vq loss ||sg[a] - a_q||^2").withMin(0),
          OptionSpec.real("lambda-c", 0.1, "weight of the commitment loss ||a - sg[a_q]||^2")
              .withMin(0));

  public Aib() {
    super(
        "aib",
        "IB-inspired variational spatial attention with anchor quantisation and a VIB head (AIB)",
        OPTIONS);
  }

  @Override
  protected RegularizerTerm newTerm(Options o) {
    return new AibTerm(o);
  }
}
