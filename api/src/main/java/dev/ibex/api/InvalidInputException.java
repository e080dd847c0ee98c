package dev.ibex.api;

/**
 * An input tensor, target or mask is unusable: wrong rank or shape, NaN/Inf, a target out of range.
 */
public class InvalidInputException extends IbexException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what is wrong with the input
   */
  public InvalidInputException(String message) {
    super(message);
  }

  /**
   * Creates the error with the underlying failure (e.g. the engine's message).
   *
   * @param message what is wrong with the input
   * @param cause the underlying failure
   */
  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
