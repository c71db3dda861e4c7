package dev.deepzero.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON (RFC 8259) writer and parser, enough for safetensors headers and model architectures.
 *
 * <p>Java values map to JSON as: {@link Map} with string keys to an object (in the map's iteration order),
 * {@link List}, {@code int[]} and {@code float[]} to arrays, {@link String} to a string, {@link Number} to a
 * number, {@link Boolean} to {@code true}/{@code false}, and {@code null} to {@code null}.
 *
 * <p>Parsing gives back {@link LinkedHashMap} (keys in file order; a repeated key is an error),
 * {@link ArrayList}, {@link String}, {@link Long} for integers that fit in 64 bits, {@link Double} for every other
 * number (one beyond the range of a double is an error: JSON could not write it back), {@link Boolean} and
 * {@code null}. Errors are {@link ParseException}s that carry the character offset.
 */
public final class Json {

  // Deep enough for any architecture; shallow enough that a hostile "[[[[..." header cannot overflow the stack.
  private static final int MAX_DEPTH = 256;
  /** The longest quote of a value in an error message, in characters. */
  private static final int EXCERPT_CHARS = 200;

  private Json() {}

  /** A syntax error, at a character offset of the parsed text. */
  public static final class ParseException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int offset;

    ParseException(String problem, int offset) {
      super("JSON: " + problem + " at offset " + offset);
      this.offset = offset;
    }

    /** The offset of the offending character, counted in {@code char}s from the start of the text. */
    public int offset() {
      return offset;
    }
  }

  // ---------------------------------------------------------------- writing

  /**
   * The compact JSON text of {@code value}.
   *
   * @param value Not modified
   * @throws IllegalArgumentException for a value of another type, a non-string map key, or a NaN or infinite
   *     number (JSON has none)
   */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, Integer.MAX_VALUE);
    return sb.toString();
  }

  /**
   * The start of {@link #write}'s text of {@code value}, for an error message that quotes a parsed value: at
   * most {@link #EXCERPT_CHARS} characters followed by {@code " ..."} when cut. Writing stops at the limit, so
   * quoting a huge value costs no more than quoting a small one.
   *
   * @param value Not modified
   */
  public static String excerpt(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, EXCERPT_CHARS);
    return sb.length() > EXCERPT_CHARS ? sb.substring(0, EXCERPT_CHARS) + " ..." : sb.toString();
  }

  /** Writes {@code value}, stopping soon after {@code sb} holds more than {@code limit} characters. */
  private static void write(StringBuilder sb, Object value, int limit) {
    if (sb.length() > limit) {
      return;
    }
    if (value == null) {
      sb.append("null");
    } else if (value instanceof String) {
      writeString(sb, (String) value, limit);
    } else if (value instanceof Boolean) {
      sb.append(value);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("JSON: cannot write the number " + value);
      }
      // Float.toString for floats: the shortest decimal that reads back as the same float.
      sb.append(value);
    } else if (value instanceof Number) {
      sb.append(value);
    } else if (value instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException("JSON: object keys must be strings, got " + e.getKey());
        }
        if (!first) {
          sb.append(',');
        }
        first = false;
        writeString(sb, (String) e.getKey(), limit);
        sb.append(':');
        write(sb, e.getValue(), limit);
        if (sb.length() > limit) {
          return;
        }
      }
      sb.append('}');
    } else if (value instanceof List) {
      sb.append('[');
      boolean first = true;
      for (Object item : (List<?>) value) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        write(sb, item, limit);
        if (sb.length() > limit) {
          return;
        }
      }
      sb.append(']');
    } else if (value instanceof int[]) {
      int[] a = (int[]) value;
      List<Object> items = new ArrayList<>(a.length);
      for (int v : a) {
        items.add(v);
      }
      write(sb, items, limit);
    } else if (value instanceof float[]) {
      float[] a = (float[]) value;
      List<Object> items = new ArrayList<>(a.length);
      for (float v : a) {
        items.add(v);
      }
      write(sb, items, limit);
    } else {
      throw new IllegalArgumentException("JSON: cannot write a " + value.getClass().getName() + " (" + value + ")");
    }
  }

  private static void writeString(StringBuilder sb, String s, int limit) {
    sb.append('"');
    for (int i = 0; i < s.length() && sb.length() <= limit; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\b':
          sb.append("\\b");
          break;
        case '\f':
          sb.append("\\f");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  // ---------------------------------------------------------------- parsing

  /**
   * The value of the JSON text {@code text}; whitespace may surround it, nothing else may follow it.
   *
   * @throws ParseException naming the problem and its offset
   */
  public static Object parse(String text) {
    Parser p = new Parser(text);
    p.skipWhitespace();
    Object value = p.value(0);
    p.skipWhitespace();
    if (p.pos < text.length()) {
      throw new ParseException("unexpected " + p.describe() + " after the value", p.pos);
    }
    return value;
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Object value(int depth) {
      if (pos >= s.length()) {
        throw new ParseException("unexpected end of text, expected a value", pos);
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{':
          return object(depth + 1);
        case '[':
          return array(depth + 1);
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw new ParseException("unexpected " + describe() + ", expected a value", pos);
      }
    }

    private Map<String, Object> object(int depth) {
      checkDepth(depth);
      pos++;
      Map<String, Object> map = new LinkedHashMap<>();
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return map;
      }
      while (true) {
        skipWhitespace();
        if (peek() != '"') {
          throw new ParseException("expected a string key, found " + describe(), pos);
        }
        int keyAt = pos;
        String key = string();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        Object v = value(depth);
        if (map.containsKey(key)) {
          throw new ParseException("repeated key \"" + key + "\"", keyAt);
        }
        map.put(key, v);
        skipWhitespace();
        if (peek() == ',') {
          pos++;
        } else if (peek() == '}') {
          pos++;
          return map;
        } else {
          throw new ParseException("expected ',' or '}' in an object, found " + describe(), pos);
        }
      }
    }

    private List<Object> array(int depth) {
      checkDepth(depth);
      pos++;
      List<Object> list = new ArrayList<>();
      skipWhitespace();
      if (peek() == ']') {
        pos++;
        return list;
      }
      while (true) {
        skipWhitespace();
        list.add(value(depth));
        skipWhitespace();
        if (peek() == ',') {
          pos++;
        } else if (peek() == ']') {
          pos++;
          return list;
        } else {
          throw new ParseException("expected ',' or ']' in an array, found " + describe(), pos);
        }
      }
    }

    private String string() {
      int start = pos;
      pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw new ParseException("unterminated string starting", start);
        }
        char c = s.charAt(pos);
        if (c == '"') {
          pos++;
          return sb.toString();
        }
        if (c < 0x20) {
          throw new ParseException("unescaped control character " + String.format("U+%04X", (int) c)
              + " in a string", pos);
        }
        if (c != '\\') {
          sb.append(c);
          pos++;
          continue;
        }
        if (pos + 1 >= s.length()) {
          throw new ParseException("unterminated escape", pos);
        }
        char e = s.charAt(pos + 1);
        switch (e) {
          case '"':
          case '\\':
          case '/':
            sb.append(e);
            break;
          case 'b':
            sb.append('\b');
            break;
          case 'f':
            sb.append('\f');
            break;
          case 'n':
            sb.append('\n');
            break;
          case 'r':
            sb.append('\r');
            break;
          case 't':
            sb.append('\t');
            break;
          case 'u':
            sb.append(hex4(pos + 2));
            pos += 4;
            break;
          default:
            throw new ParseException("invalid escape '\\" + e + "'", pos);
        }
        pos += 2;
      }
    }

    private char hex4(int at) {
      if (at + 4 > s.length()) {
        throw new ParseException("\\u escape needs four hex digits", at - 2);
      }
      int v = 0;
      for (int i = at; i < at + 4; i++) {
        int d = Character.digit(s.charAt(i), 16);
        if (d < 0) {
          throw new ParseException("\\u escape needs four hex digits", at - 2);
        }
        v = v * 16 + d;
      }
      return (char) v;
    }

    private Object number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (peek() == '0') {
        pos++;
      } else if (isDigit(peek())) {
        digits();
      } else {
        throw new ParseException("a number needs a digit after '-'", start);
      }
      boolean integral = true;
      if (peek() == '.') {
        integral = false;
        pos++;
        if (!isDigit(peek())) {
          throw new ParseException("a number needs a digit after '.'", pos);
        }
        digits();
      }
      if (peek() == 'e' || peek() == 'E') {
        integral = false;
        pos++;
        if (peek() == '+' || peek() == '-') {
          pos++;
        }
        if (!isDigit(peek())) {
          throw new ParseException("a number needs a digit in its exponent", pos);
        }
        digits();
      }
      String text = s.substring(start, pos);
      if (integral) {
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException tooLarge) {
          // Beyond 64 bits: JSON allows it, so fall through to the nearest double.
        }
      }
      double value = Double.parseDouble(text);
      if (Double.isInfinite(value)) {
        // JSON has no infinity to write back, and no reader of these files means one.
        throw new ParseException("a number beyond the range of a double (about 1.8e308)", start);
      }
      return value;
    }

    private void digits() {
      while (isDigit(peek())) {
        pos++;
      }
    }

    private static boolean isDigit(int c) {
      return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) {
      if (!s.startsWith(word, pos)) {
        throw new ParseException("unexpected " + describe() + ", expected a value", pos);
      }
      pos += word.length();
      return value;
    }

    private void expect(char c) {
      if (peek() != c) {
        throw new ParseException("expected '" + c + "', found " + describe(), pos);
      }
      pos++;
    }

    private void checkDepth(int depth) {
      if (depth > MAX_DEPTH) {
        throw new ParseException("nesting deeper than " + MAX_DEPTH, pos);
      }
    }

    /** The next character, or -1 at the end. */
    private int peek() {
      return pos < s.length() ? s.charAt(pos) : -1;
    }

    void skipWhitespace() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    String describe() {
      if (pos >= s.length()) {
        return "end of text";
      }
      char c = s.charAt(pos);
      return c < 0x20 || c > 0x7e ? String.format("character U+%04X", (int) c) : "'" + c + "'";
    }
  }
}
