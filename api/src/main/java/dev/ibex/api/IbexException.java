package dev.ibex.api;

/** Base of every error ibex reports on purpose: a message meant for the user, never a bug trace. */
public class IbexException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an error with a user-facing message.
   *
   * @param message what went wrong, naming the offending thing
   */
  public IbexException(String message) {
    super(message);
  }

  /**
   * Creates an error with a user-facing message and its cause.
   *
   * @param message what went wrong, naming the offending thing
   * @param cause the underlying failure
   */
  public IbexException(String message, Throwable cause) {
    super(message, cause);
  }
}
