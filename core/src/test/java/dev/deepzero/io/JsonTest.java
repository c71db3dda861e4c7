package dev.deepzero.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void writesCompactTextInMapOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("z", 1);
    m.put("a", List.of(true, false));
    m.put("n", null);
    m.put("s", "x\"y\\z\n\t\u0001é");
    m.put("ints", new int[] {3, -4});
    m.put("floats", new float[] {0.5f, 1e-5f});
    assertEquals("{\"z\":1,\"a\":[true,false],\"n\":null,\"s\":\"x\\\"y\\\\z\\n\\t\\u0001é\","
        + "\"ints\":[3,-4],\"floats\":[0.5,1.0E-5]}", Json.write(m));
  }

  @Test
  void parsesEveryKindOfValue() {
    Object v = Json.parse(" {\"a\": [1, -2, 3.5, -0.25e2, 1E3, true, false, null, \"\"], \"b\": {}, \"c\": []} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of("a", "b", "c"), List.copyOf(m.keySet()));
    List<?> a = (List<?>) m.get("a");
    assertEquals(1L, a.get(0));
    assertEquals(-2L, a.get(1));
    assertEquals(3.5, a.get(2));
    assertEquals(-25.0, a.get(3));
    assertEquals(1000.0, a.get(4));
    assertEquals(Boolean.TRUE, a.get(5));
    assertEquals(Boolean.FALSE, a.get(6));
    assertNull(a.get(7));
    assertEquals("", a.get(8));
    assertEquals(Map.of(), m.get("b"));
    assertEquals(List.of(), m.get("c"));
  }

  @Test
  void decodesEscapesIncludingSurrogatePairs() {
    assertEquals("\"\\/\b\f\n\r\t\u00e9\uD83D\uDE00",
        Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\ud83d\\ude00\""));
  }

  @Test
  void integersBeyondLongBecomeDoubles() {
    assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
    assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808"));
  }

  @Test
  void writeThenParseIsTheIdentityOnRandomTrees() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int i = 0; i < 200; i++) {
      Object tree = randomTree(rng, 0);
      String text = Json.write(tree);
      assertEquals(tree, Json.parse(text), text);
      assertEquals(text, Json.write(Json.parse(text)));
    }
  }

  @Test
  void floatsSurviveTheTripThroughDecimalText() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < 10_000; i++) {
      float f = Float.intBitsToFloat(rng.nextInt());
      if (!Float.isFinite(f)) {
        continue;
      }
      Object back = Json.parse(Json.write(f));
      assertEquals(f, ((Number) back).floatValue(), "float " + f + " as " + Json.write(f));
    }
  }

  @Test
  void parseErrorsGiveTheOffset() {
    assertError("{\"a\" 1}", 5, "expected ':'");
    assertError("[1, 2,]", 6, "expected a value");
    assertError("[1 2]", 3, "expected ',' or ']'");
    assertError("{\"a\": 1,}", 8, "expected a string key");
    assertError("\"abc", 0, "unterminated string");
    assertError("\"a\\qb\"", 2, "invalid escape");
    assertError("\"\\u12g4\"", 1, "four hex digits");
    assertError("\"a\nb\"", 2, "control character");
    assertError("01", 1, "after the value");
    assertError("-", 0, "digit after '-'");
    assertError("1.", 2, "digit after '.'");
    assertError("1e+", 3, "exponent");
    assertError("tru", 0, "expected a value");
    assertError("", 0, "end of text");
    assertError("{\"k\": 1, \"k\": 2}", 9, "repeated key \"k\"");
    assertError("[".repeat(300), 256, "nesting deeper than 256");
    assertError("[1, -2e400]", 4, "beyond the range of a double");
  }

  @Test
  void writeRejectsWhatJsonCannotHold() {
    assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Json.write(Float.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, "x")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
  }

  private static void assertError(String text, int offset, String fragment) {
    Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse(text), text);
    assertEquals(offset, e.offset(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().contains("offset " + offset), e.getMessage());
  }

  private static Object randomTree(SplittableRandom rng, int depth) {
    int kind = rng.nextInt(depth > 3 ? 5 : 7);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return rng.nextBoolean();
      case 2:
        return rng.nextLong();
      case 3:
        return (double) Float.intBitsToFloat(rng.nextInt(0x7f000000)) * (rng.nextBoolean() ? 1 : -1);
      case 4:
        char[] cs = new char[rng.nextInt(6)];
        for (int i = 0; i < cs.length; i++) {
          cs[i] = (char) rng.nextInt(0x3000);
          if (Character.isSurrogate(cs[i])) {
            cs[i] = 'x';
          }
        }
        return new String(cs);
      case 5:
        Object[] items = new Object[rng.nextInt(4)];
        for (int i = 0; i < items.length; i++) {
          items[i] = randomTree(rng, depth + 1);
        }
        return Arrays.asList(items);
      default:
        Map<String, Object> m = new LinkedHashMap<>();
        int n = rng.nextInt(4);
        for (int i = 0; i < n; i++) {
          m.put("k" + i + (char) ('a' + rng.nextInt(26)), randomTree(rng, depth + 1));
        }
        return m;
    }
  }

  @Test
  void intArraysRoundTripAsLists() {
    assertArrayEquals(new Object[] {1L, 2L}, ((List<?>) Json.parse(Json.write(new int[] {1, 2}))).toArray());
  }
}
