package dev.deepzero.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LimitsTest {

  @Test
  void shortTextIsKeptAndLongTextKeepsItsStartAndEnd() {
    String shortText = "model.safetensors: bad";
    assertSame(shortText, Limits.excerpt(shortText));
    String longText = "start-" + "y".repeat(5000) + "-end";
    String cut = Limits.excerpt(longText, 100);
    assertTrue(cut.length() <= 100, cut);
    assertTrue(cut.startsWith("start-") && cut.endsWith("-end"), cut);
    String count = cut.replaceAll(".*\\((\\d+) characters cut\\).*", "$1");
    assertEquals(longText.length(), cut.replace(" ... (" + count + " characters cut) ... ", "").length()
        + Integer.parseInt(count), cut);
  }
}
