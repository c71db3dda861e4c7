package dev.deepzero.interop.darknet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.interop.darknet.DarknetCfg.Section;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cfg format as darknet's read_cfg reads it, plus the {@code # deepzero:} sections. */
class DarknetCfgTest {

  @Test
  void sectionsOptionsCommentsAndWhitespaceAsDarknetReadsThem() {
    List<Section> s = DarknetCfg.parse("[net]\n# Testing\nbatch=1\n; old\n height = 448\n\n[convolutional]\n"
        + "filters=16\r\nactivation= leaky\n# deepzero: YoloActivation boxes=2 classes=20\n");
    assertEquals(3, s.size());
    assertEquals(new Section("net", Map.of("batch", "1", "height", "448"), 1), s.get(0));
    assertEquals(Map.of("filters", "16", "activation", "leaky"), s.get(1).options());
    assertEquals(7, s.get(1).line());
    assertEquals("deepzero:YoloActivation", s.get(2).type());
    assertEquals(20, s.get(2).intOption("classes"));
  }

  @Test
  void writtenTextParsesBackToTheSameSections() {
    List<Section> sections = List.of(new Section("net", Map.of("width", "64"), 1),
        new Section("deepzero:ChannelsLast", Map.of(), 4));
    String text = DarknetCfg.write(sections);
    assertEquals(sections, DarknetCfg.parse(text));
  }

  @Test
  void errorsNameTheLine() {
    IllegalArgumentException before = assertThrows(IllegalArgumentException.class,
        () -> DarknetCfg.parse("\nbatch=1\n[net]\n"));
    assertTrue(before.getMessage().startsWith("darknet cfg line 2:"), before.getMessage());
    IllegalArgumentException noValue = assertThrows(IllegalArgumentException.class,
        () -> DarknetCfg.parse("[net]\nbatch\n"));
    assertTrue(noValue.getMessage().contains("line 2") && noValue.getMessage().contains("key=value"),
        noValue.getMessage());
    IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
        () -> DarknetCfg.parse("[net]\n\n[maxpool]\nsize=two\n").get(1).intOption("size", 2));
    assertEquals("darknet cfg line 3, [maxpool]: 'size' must be an integer, got 'two'", notANumber.getMessage());
  }
}
