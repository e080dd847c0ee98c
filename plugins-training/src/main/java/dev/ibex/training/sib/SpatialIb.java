package dev.ibex.training.sib;

import com.google.auto.service.AutoService;
import com.google.common.collect.ImmutableList;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Regularizer;
import dev.ibex.api.RegularizerTerm;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.spi.AbstractRegularizer;

/**
 * S-IB, the spatial information bottleneck regulariser (Shu, Luo and Meng): it shapes the
 * vector-Jacobian product R = Jᵀp = ∂(½‖softmax(z)‖²)/∂x so that its foreground (under a soft mask
 * M = g(R)) depends on the input's foreground (HSIC, maximised) while its background carries little
 * (variance, minimised). Training it needs second-order gradients: R is computed with the graph
 * kept and the loss on R is differentiated with respect to the parameters.
 *
 * <p>Two combinations: {@code linear} is the paper's L_bg + γ·L_fg with L_fg = −HSIC; {@code exp}
 * is the reference script's λ_bg·exp(L_bg) + λ_fg·exp(−HSIC) (default, with λ_bg = 1000, λ_fg =
 * 0.01).
 */
@AutoService(Regularizer.class)
public final class SpatialIb extends AbstractRegularizer {
  /** The combinations of the two terms. */
  public static final ImmutableList<String> FORMS = ImmutableList.of("exp", "linear");

  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.choice(
              "form",
              "exp",
              FORMS,
              "exp: bg-weight*exp(L_bg) + fg-weight*exp(-HSIC) (reference script); linear: bg-weight*L_bg - fg-weight*HSIC (paper)"),
          OptionSpec.real("bg-weight", 1000, "weight of the background variance term (lambda_bg)")
              .withMin(0),
          OptionSpec.real(
                  "fg-weight", 0.01, "weight of the foreground HSIC term (gamma / lambda_fg)")
              .withMin(0),
          OptionSpec.real(
                  "low-quantile", 0.05, "soft quantile that maps to 0 in the robust normalisation")
              .withRange(0, 1),
          OptionSpec.real(
                  "high-quantile", 0.95, "soft quantile that maps to 1 in the robust normalisation")
              .withRange(0, 1),
          OptionSpec.real(
                  "threshold-quantile",
                  0.8,
                  "soft quantile used as threshold for saliency and density")
              .withRange(0, 1),
          OptionSpec.real("sharpness", 10, "slope k of the soft thresholds sigmoid(k*(v - q))")
              .withRange(1e-3, 1e4),
          OptionSpec.integer(
                  "density-kernel", 31, "odd side of the average-pooling window of the density map")
              .withRange(1, 255),
          OptionSpec.real("temperature", 0.1, "temperature T of the soft quantile's index softmax")
              .withRange(1e-4, 1e4),
          OptionSpec.integer(
                  "interval",
                  1,
                  "apply the term on every n-th step only (cost control; 1 = every step)")
              .withRange(1, 1000),
          OptionSpec.choice(
              "vjp",
              "grad",
              ImmutableList.of("grad", "backward"),
              "grad: torch.autograd.grad(create_graph) on the input only; backward: backward(create_graph), then zero the first-order gradients it leaks into the parameters (leaks graph memory)"));

  public SpatialIb() {
    super(
        "s-ib",
        "Spatial information bottleneck: HSIC foreground alignment and background variance of the VJP map (second-order)",
        OPTIONS);
  }

  @Override
  protected RegularizerTerm newTerm(Options options) {
    int kernel = options.getInt("density-kernel");
    if (kernel % 2 == 0) {
      throw new InvalidOptionException(
          "option 'density-kernel' must be odd (padding keeps the map size), got " + kernel);
    }
    if (options.getDouble("low-quantile") >= options.getDouble("high-quantile")) {
      throw new InvalidOptionException("option 'low-quantile' must be below 'high-quantile'");
    }
    return new SpatialIbTerm(options);
  }
}
