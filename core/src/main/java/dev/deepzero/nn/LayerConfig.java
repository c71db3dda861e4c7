package dev.deepzero.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer's architecture without its weights: its type name and constructor options, such as
 * {@code Linear {in: 784, out: 100}}. Model files store it so a model can be rebuilt before its weights are
 * loaded.
 *
 * <p>Option values are {@link Number}s, {@link String}s, {@link Boolean}s, {@code int[]}s, or (for
 * containers) lists of {@code LayerConfig}.
 *
 * @param type the layer's type name, as {@code dev.deepzero.nn.layers.Layers#fromConfig} knows it
 * @param options the options by name, in a stable order
 */
public record LayerConfig(String type, Map<String, Object> options) {

  /** Copies the options into an unmodifiable map that keeps their order. */
  public LayerConfig {
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** A config without options. */
  public static LayerConfig of(String type) {
    return new LayerConfig(type, Map.of());
  }

  /** A config with options given as alternating names and values. */
  public static LayerConfig of(String type, Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("LayerConfig.of: names and values must alternate");
    }
    Map<String, Object> options = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      options.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return new LayerConfig(type, options);
  }

  /** An integer option. @throws IllegalArgumentException if missing or not a whole number that fits an int */
  public int intOption(String name) {
    Object v = options.get(name);
    if (!(v instanceof Number) || ((Number) v).doubleValue() != Math.rint(((Number) v).doubleValue())
        || Math.abs(((Number) v).doubleValue()) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(type + ": option '" + name + "' must be a whole number of at most "
          + Integer.MAX_VALUE + " in size, got " + v);
    }
    return ((Number) v).intValue();
  }

  /** A float option, or {@code fallback} when absent. */
  public float floatOption(String name, float fallback) {
    Object v = options.get(name);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number)) {
      throw new IllegalArgumentException(type + ": option '" + name + "' must be a number, got " + v);
    }
    return ((Number) v).floatValue();
  }

  /** A list-of-layers option, for containers. */
  @SuppressWarnings("unchecked")
  public List<LayerConfig> layersOption(String name) {
    Object v = options.get(name);
    if (!(v instanceof List)) {
      throw new IllegalArgumentException(type + ": option '" + name + "' must be a list of layers, got " + v);
    }
    return (List<LayerConfig>) v;
  }
}
