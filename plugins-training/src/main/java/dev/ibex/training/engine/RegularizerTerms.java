package dev.ibex.training.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Regularizer;
import dev.ibex.api.RegularizerTerm;
import dev.ibex.api.options.Options;
import java.util.List;

/**
 * The regularizer terms of one run: each may wrap the classifier with its own trainable blocks
 * ({@link RegularizerTerm#wrap}), and each adds its loss to the step's cross-entropy.
 */
final class RegularizerTerms implements AutoCloseable {
  private record NamedTerm(String name, RegularizerTerm term) {}

  private final ImmutableList<NamedTerm> terms;
  private final Block model;
  private final boolean inputGradient;

  RegularizerTerms(Block classifier, List<Pair<Regularizer, Options>> regularizers) {
    ImmutableList.Builder<NamedTerm> t = ImmutableList.builder();
    Block m = classifier;
    boolean grad = false;
    for (Pair<Regularizer, Options> r : regularizers) {
      RegularizerTerm term = r.getKey().create(r.getValue());
      t.add(new NamedTerm(r.getKey().name(), term));
      m = term.wrap(m);
      grad |= term.needsInputGradient();
    }
    this.terms = t.build();
    this.model = m;
    this.inputGradient = grad;
  }

  /**
   * @return the classifier wrapped by every term that adds blocks: what is trained and saved
   */
  Block model() {
    return model;
  }

  /**
   * @return whether some term needs gradients with respect to the inputs
   */
  boolean needsInputGradient() {
    return inputGradient;
  }

  /**
   * @return the regularizers' names, in order
   */
  ImmutableList<String> names() {
    return terms.stream().map(NamedTerm::name).collect(ImmutableList.toImmutableList());
  }

  /**
   * Cross-entropy plus every term, each logged under its name ({@code ce}, the terms, {@code
   * loss}).
   *
   * @param step the step (its log receives the values)
   * @param update the number of this update, from 1 (for the error message)
   * @return the total loss
   * @throws InvalidInputException if the total is not finite
   */
  NDArray total(StepContext step, int update) {
    NDArray ce = Classification.crossEntropy(step.logits(), step.labels());
    NDArray total = ce;
    step.log("ce", ce.toType(DataType.FLOAT64, false).getDouble());
    for (NamedTerm t : terms) {
      NDArray l = t.term.loss(step);
      step.log(t.name, l.toType(DataType.FLOAT64, false).getDouble());
      total = total.add(l);
    }
    double totalValue = total.toType(DataType.FLOAT64, false).getDouble();
    step.log("loss", totalValue);
    if (!Double.isFinite(totalValue)) {
      throw new InvalidInputException(
          "non-finite loss at update "
              + update
              + ": "
              + step.logged()
              + " (lower the learning rate or a regulariser weight)");
    }
    return total;
  }

  @Override
  public void close() {
    terms.forEach(t -> t.term.close());
  }
}
