package dev.ibex.cli;

import picocli.CommandLine.Option;

/**
 * {@code --seed S}, a mixin of the commands that train: one seed for the data, the initial weights
 * and the batch order, so that a run can be repeated.
 */
final class SeedOption {
  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "7",
      converter = ValueConverters.AnyLong.class,
      description = "default: ${DEFAULT-VALUE}")
  long value;
}
