package dev.ibex.cli;

import dev.ibex.api.IbexException;

/** A malformed command line: exit code 2 with a one-line reason. */
final class UsageException extends IbexException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
