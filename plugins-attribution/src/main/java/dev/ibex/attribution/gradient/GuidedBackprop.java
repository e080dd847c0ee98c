package dev.ibex.attribution.gradient;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.Stage;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.GradientScope;
import dev.ibex.api.spi.SampleRows;
import java.util.ArrayList;
import java.util.List;

/**
 * Guided backpropagation (Springenberg et al., 2015): the gradient of the target score w.r.t. the
 * input where every ReLU passes back only positive gradients at positive inputs, {@code grad_in =
 * relu(grad_out) ⊙ 1[input > 0]} (as Captum's {@code GuidedBackprop}).
 *
 * <p>DJL has no backward hooks, so the model is walked as its chain of {@link Stage}s: one forward
 * records each segment between ReLUs from a fresh leaf, then the backward runs segment by segment
 * from the output: ordinary vector-Jacobian products through the segments, the guided rule at each
 * ReLU stage. All of it happens in one gradient collector, so it costs one forward and one backward
 * pass per sample. ReLUs must be stages of their own (a child of a {@code SequentialBlock}); a ReLU
 * nested inside a child block is differentiated ordinarily. Models that do not expose stages
 * (TorchScript) are refused.
 */
@AutoService(Attributor.class)
public final class GuidedBackprop extends AbstractAttributor {

  public GuidedBackprop() {
    super(
        "guided-backprop",
        "Guided backpropagation: only positive gradients pass each ReLU (Springenberg et al. 2015)");
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    ExplainableModel model = ctx.model();
    List<Stage> stages =
        model
            .stages()
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "guided-backprop needs the model as a chain of stages with its ReLUs visible (a DJL"
                            + " SequentialBlock wrapped by BlockModel); this "
                            + model.getClass().getSimpleName()
                            + " does not expose them, and DJL has no backward hooks to change the ReLU rule"));
    int n = ctx.samples();
    List<Segment> segments = new ArrayList<>();
    NDArray grad;
    try (GradientScope scope = GradientScope.open(model)) {
      // forward: each run of non-ReLU stages starts from a fresh leaf; ReLU inputs are kept
      NDArray x = ctx.input();
      Segment current = null;
      for (Stage stage : stages) {
        if (stage.isRelu()) {
          if (current != null) {
            x = current.close(x);
            current = null;
          }
          segments.add(Segment.relu(x));
          x = stage.apply(x.stopGradient()).stopGradient();
        } else {
          if (current == null) {
            current = Segment.open(x);
            segments.add(current);
            x = current.leaf;
          }
          x = stage.apply(x);
        }
      }
      if (current != null) {
        x = current.close(x);
      }
      model.passes().countForward(n);
      ResolvedTarget target = ctx.resolveWith(x);
      // d score / d output, from a leaf copy of the output
      NDArray out = x.duplicate();
      out.setRequiresGradient(true);
      // the one counted backward pass; the segments below are its steps
      scope.backward(target.score(out, SampleRows.identity(n)).sum(), n);
      grad = out.getGradient().duplicate();
      // backward through the segments, last first
      for (int i = segments.size() - 1; i >= 0; i--) {
        Segment s = segments.get(i);
        if (s.leaf == null) {
          grad = grad.maximum(0f).mul(s.input.gt(0f).toType(grad.getDataType(), false));
        } else {
          scope.backwardSegment(s.output.mul(grad).sum());
          grad = s.leaf.getGradient().duplicate();
        }
      }
    }
    return grad;
  }

  /** A ReLU stage (its input kept) or a run of other stages between a leaf and its output. */
  private static final class Segment {
    final NDArray input;
    final NDArray leaf;
    NDArray output;

    private Segment(NDArray input, NDArray leaf) {
      this.input = input;
      this.leaf = leaf;
    }

    static Segment relu(NDArray input) {
      return new Segment(input.stopGradient(), null);
    }

    static Segment open(NDArray input) {
      NDArray leaf = input.stopGradient().duplicate();
      leaf.setRequiresGradient(true);
      return new Segment(input, leaf);
    }

    /** Ends the segment at {@code y}; the next segment sees it detached. */
    NDArray close(NDArray y) {
      output = y;
      return y.stopGradient();
    }
  }
}
