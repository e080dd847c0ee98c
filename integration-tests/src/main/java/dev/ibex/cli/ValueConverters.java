package dev.ibex.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The numbers the commands take, checked as they are read. Each message says what the value must be
 * and what it was; {@link UsageErrors} puts the option's name in front ("--lr must be a number, got
 * 'abc'").
 */
final class ValueConverters {
  private ValueConverters() {}

  /** A count of at least 1 (sizes, epochs, repeats). */
  static final class AtLeastOne implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return atLeast(value, 1);
    }
  }

  /** A count of at least 0 (warm-up runs, a batch limit where 0 means none). */
  static final class AtLeastZero implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return atLeast(value, 0);
    }
  }

  /** Any whole number (a seed). */
  static final class AnyLong implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return wholeNumber(value);
    }
  }

  /** A class index; a negative one is refused later with the model's class count at hand. */
  static final class ClassIndex implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("must be a class index, got '" + value + "'");
      }
    }
  }

  /** A finite real number above 0 (a learning rate). */
  static final class AboveZero implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      double d;
      try {
        d = Double.parseDouble(value.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("must be a number, got '" + value + "'");
      }
      if (!(d > 0) || Double.isInfinite(d)) {
        throw new TypeConversionException("must be a finite number above 0.0, got " + value);
      }
      return d;
    }
  }

  private static int atLeast(String value, int min) {
    long n = wholeNumber(value);
    if (n < min || n > Integer.MAX_VALUE) {
      throw new TypeConversionException("must be an integer of at least " + min + ", got " + n);
    }
    return (int) n;
  }

  private static long wholeNumber(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("must be an integer, got '" + value + "'");
    }
  }
}
