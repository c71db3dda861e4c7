package dev.deepzero.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Case-insensitive option values naming an enum constant, with an error that lists the valid names. */
final class Enums {

  private Enums() {}

  /**
   * The constant of {@code type} named {@code value} (case-insensitive, '-' for '_').
   *
   * @throws IllegalArgumentException naming the option and the valid values
   */
  static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
    String key = value == null ? "" : value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(key)) {
        return e;
      }
    }
    throw new IllegalArgumentException(option + ": unknown value '" + value + "'; valid: " + Arrays.stream(
        type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .collect(Collectors.joining(", ")));
  }
}
