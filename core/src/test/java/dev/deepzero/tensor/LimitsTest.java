package dev.deepzero.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

  @Test
  void aRequestTheHeapCannotHoldIsRefusedWithBothSizes() {
    long tooMuch = Runtime.getRuntime().maxMemory() * 2;
    InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class,
        () -> Limits.requireHeap(tooMuch, "a batch of 60000 images"));
    assertTrue(e.getMessage().startsWith("a batch of 60000 images would need " + Limits.formatBytes(tooMuch)
        + ", but the heap has ") && e.getMessage().contains("-Xmx"), e.getMessage());
    assertEquals(tooMuch, e.requestedBytes());
    Limits.requireHeap(1 << 20, "a megabyte");
  }

  @Test
  void bytesAreFormattedForPeople() {
    assertEquals("512 bytes", Limits.formatBytes(512));
    assertEquals("12.0 MB", Limits.formatBytes(12L << 20));
    assertEquals("1.9 GB", Limits.formatBytes(2_040_000_000L));
  }

  @Test
  void limitsComeFromTheirPropertiesAndRefuseNonsense() {
    String name = Limits.MAX_IMAGE_PIXELS_PROPERTY;
    assertEquals(Limits.DEFAULT_MAX_IMAGE_PIXELS, Limits.maxImagePixels());
    try {
      System.setProperty(name, "200_000_000");
      assertEquals(200_000_000L, Limits.maxImagePixels());
      System.setProperty(name, "-5");
      IllegalStateException e = assertThrows(IllegalStateException.class, Limits::maxImagePixels);
      assertTrue(e.getMessage().contains(name), e.getMessage());
    } finally {
      System.clearProperty(name);
    }
  }
}
