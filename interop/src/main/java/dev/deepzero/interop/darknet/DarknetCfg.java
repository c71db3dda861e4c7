package dev.deepzero.interop.darknet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * darknet's {@code .cfg} format: {@code [section]} headers, each followed by {@code key=value} lines; blank lines
 * and lines starting with {@code #} or {@code ;} are skipped, and whitespace inside a line is ignored (darknet
 * strips it before parsing). One exception to the skipping: a comment {@code # deepzero: TYPE key=value ...}
 * is read as a section of type {@code deepzero:TYPE}, which darknet itself ignores. The export writes deepzero
 * layers that have no darknet section that way (the detector's {@code ChannelsLast} and {@code YoloActivation}).
 */
final class DarknetCfg {

  /** The comment prefix of a deepzero-only section. */
  static final String DEEPZERO_PREFIX = "# deepzero:";

  /**
   * One section.
   *
   * @param type the name between the brackets, such as {@code convolutional}
   * @param options its keys and values, in file order
   * @param line the 1-based line of its header, for messages
   */
  record Section(String type, Map<String, String> options, int line) {

    /** An integer option, or {@code fallback} when absent. */
    int intOption(String key, int fallback) {
      String v = options.get(key);
      if (v == null) {
        return fallback;
      }
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw error("'" + key + "' must be an integer, got '" + v + "'");
      }
    }

    /** A required integer option. */
    int intOption(String key) {
      if (!options.containsKey(key)) {
        throw error("needs '" + key + "'");
      }
      return intOption(key, 0);
    }

    /** A number option, or {@code fallback} when absent. */
    float floatOption(String key, float fallback) {
      String v = options.get(key);
      if (v == null) {
        return fallback;
      }
      try {
        return Float.parseFloat(v);
      } catch (NumberFormatException e) {
        throw error("'" + key + "' must be a number, got '" + v + "'");
      }
    }

    /** A string option, or {@code fallback} when absent. */
    String option(String key, String fallback) {
      return options.getOrDefault(key, fallback);
    }

    /** An error naming this section and its line. */
    IllegalArgumentException error(String problem) {
      return new IllegalArgumentException("darknet cfg line " + line + ", [" + type + "]: " + problem);
    }
  }

  private DarknetCfg() {}

  /**
   * The sections of {@code text}.
   *
   * @throws IllegalArgumentException naming the line of an option outside a section or without {@code =}
   */
  static List<Section> parse(String text) {
    List<Section> sections = new ArrayList<>();
    Map<String, String> current = null;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String raw = lines[i].strip();
      if (raw.startsWith(DEEPZERO_PREFIX)) {
        String[] words = raw.substring(DEEPZERO_PREFIX.length()).strip().split("\\s+");
        Map<String, String> options = new LinkedHashMap<>();
        for (int w = 1; w < words.length; w++) {
          putOption(options, words[w], i + 1);
        }
        sections.add(new Section("deepzero:" + words[0], options, i + 1));
        current = null;
        continue;
      }
      String line = raw.replaceAll("\\s", "");
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[")) {
        if (!line.endsWith("]")) {
          throw new IllegalArgumentException("darknet cfg line " + (i + 1) + ": unclosed section header '" + raw + "'");
        }
        current = new LinkedHashMap<>();
        sections.add(new Section(line.substring(1, line.length() - 1), current, i + 1));
        continue;
      }
      if (current == null) {
        throw new IllegalArgumentException("darknet cfg line " + (i + 1) + ": option '" + raw
            + "' before the first [section]");
      }
      putOption(current, line, i + 1);
    }
    return sections;
  }

  private static void putOption(Map<String, String> options, String keyValue, int line) {
    int eq = keyValue.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("darknet cfg line " + line + ": expected key=value, got '" + keyValue + "'");
    }
    options.put(keyValue.substring(0, eq), keyValue.substring(eq + 1));
  }

  /** The cfg text of {@code sections} (line numbers are ignored). */
  static String write(List<Section> sections) {
    StringBuilder sb = new StringBuilder();
    for (Section s : sections) {
      if (s.type().startsWith("deepzero:")) {
        sb.append(DEEPZERO_PREFIX).append(' ').append(s.type().substring("deepzero:".length()));
        s.options().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        sb.append("\n\n");
        continue;
      }
      sb.append('[').append(s.type()).append("]\n");
      s.options().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
      sb.append('\n');
    }
    return sb.toString();
  }
}
