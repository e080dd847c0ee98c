package dev.ibex.api.spi;

import dev.ibex.api.Regularizer;
import dev.ibex.api.RegularizerTerm;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.Options;
import java.util.Objects;

/**
 * The template of a regulariser: it names itself in its constructor, {@link #create} checks that
 * the options are its own, and the regulariser says only how to make its per-run term.
 */
public abstract class AbstractRegularizer extends AbstractPlugin implements Regularizer {

  /**
   * @param name unique kebab-case name
   * @param description one line saying what the term does
   * @param options the options it accepts
   */
  protected AbstractRegularizer(String name, String description, OptionSchema options) {
    super(name, description, options);
  }

  @Override
  public final RegularizerTerm create(Options options) {
    requireOwnOptions(Objects.requireNonNull(options, "options"));
    return newTerm(options);
  }

  /**
   * Makes the term for one training run.
   *
   * @param options validated options of this regulariser
   * @return the term
   */
  protected abstract RegularizerTerm newTerm(Options options);
}
