package dev.ibex.api.spi;

import ai.djl.ndarray.NDManager;
import dev.ibex.api.options.Options;

/**
 * What every call of a plugin through the kit's templates has: the options it runs with and a
 * scratch manager that is closed when the call ends (so every intermediate array is freed).
 */
public abstract class CallContext {
  private final Options options;
  private final NDManager scratch;

  CallContext(Options options, NDManager scratch) {
    this.options = options;
    this.scratch = scratch;
  }

  /**
   * @return the options
   */
  public final Options options() {
    return options;
  }

  /**
   * @return a manager for intermediates, closed when the call ends
   */
  public final NDManager scratch() {
    return scratch;
  }
}
