package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class NmsTest {

  @Test
  void suppressesOverlapsWithinAClassOnly() {
    Detection a = new Detection(new Box(0, 0, 10, 10), 0, 0.9);
    Detection b = new Detection(new Box(1, 1, 11, 11), 0, 0.8); // IoU with a = 81 / 119 = 0.68
    Detection c = new Detection(new Box(20, 20, 30, 30), 0, 0.7); // disjoint
    Detection d = new Detection(new Box(0, 0, 10, 10), 1, 0.6); // same box, other class
    Detection e = new Detection(new Box(0, 0, 10, 5), 0, 0.5); // IoU with a exactly 0.5: kept (not > 0.5)
    Detection f = new Detection(new Box(0.5, 0, 10.5, 10), 0, 0.95); // best score; a overlaps it by 0.9
    List<Detection> kept = Nms.perClass(List.of(a, b, c, d, e, f), 0.5);
    // f (0.95) suppresses a (IoU 0.905) and b (IoU 9.5*9/(100+100-85.5) = 0.747); e overlaps f by 47.5/102.5.
    assertEquals(List.of(f, c, d, e), kept);
    assertEquals(List.of(a, c, d, e), Nms.perClass(List.of(e, d, c, b, a), 0.5), "input order does not matter");
    assertEquals(List.of(a, b, c, d, e), Nms.perClass(List.of(a, b, c, d, e), 0.99), "high threshold keeps all");
    assertThrows(IllegalArgumentException.class, () -> Nms.perClass(List.of(), 1.5));
  }
}
