package dev.deepzero.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  @Test
  void constantAndStep() {
    LearningRateSchedule c = LearningRateSchedule.constant(0.1f);
    assertEquals(0.1f, c.rate(1, 5));
    assertEquals(0.1f, c.rate(5, 5));
    LearningRateSchedule s = LearningRateSchedule.step(0.1f, 2, 0.5f);
    assertEquals(0.1f, s.rate(1, 6));
    assertEquals(0.1f, s.rate(2, 6));
    assertEquals(0.05f, s.rate(3, 6));
    assertEquals(0.025f, s.rate(6, 6));
  }

  /** detect-train's former cosine, written out: the same floats, so its seeded runs are unchanged. */
  @Test
  void cosineRunsFromTheRateAtTheFirstEpochToTheFloorAtTheLast() {
    float peak = 0.002f;
    int epochs = 60;
    LearningRateSchedule s = LearningRateSchedule.cosine(peak, 0.01);
    for (int e = 1; e <= epochs; e++) {
      double progress = (e - 1) / (double) (epochs - 1);
      double factor = 0.01 + (1 - 0.01) * 0.5 * (1 + Math.cos(Math.PI * progress));
      assertEquals((float) (peak * factor), s.rate(e, epochs), "epoch " + e);
    }
    assertEquals(peak, s.rate(1, epochs));
    assertEquals((float) (peak * 0.01), s.rate(epochs, epochs), 1e-12);
    assertEquals(peak, s.rate(1, 1), "a one-epoch run stays at the peak");
  }

  @Test
  void warmupRampsLinearlyThenRunsTheScheduleOverTheRest() {
    LearningRateSchedule s = LearningRateSchedule.cosine(0.3f, 0.1).withWarmup(2);
    assertEquals(0.1f, s.rate(1, 7), 1e-7);
    assertEquals(0.2f, s.rate(2, 7), 1e-7);
    assertEquals(0.3f, s.rate(3, 7));
    assertEquals(LearningRateSchedule.cosine(0.3f, 0.1).rate(5, 5), s.rate(7, 7));
    assertThrows(IllegalArgumentException.class, () -> s.rate(2, 2));
  }

  @Test
  void specReadsBackAsTheSameSchedule() {
    for (LearningRateSchedule s : List.of(LearningRateSchedule.constant(0.1f),
        LearningRateSchedule.step(0.05f, 3, 0.1f), LearningRateSchedule.cosine(0.002f, 0.01),
        LearningRateSchedule.cosine(1e-3f, 0.5).withWarmup(3))) {
      assertEquals(s, LearningRateSchedule.parse(s.spec()), s.spec());
    }
  }

  @Test
  void badValuesAreRefusedWithTheReason() {
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(0f));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(Float.NaN));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(0.1f, 0));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.step(0.1f, 0, 0.5f));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(0.1f).rate(0, 3));
    String m = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("linear rate=1"))
        .getMessage();
    assertTrue(m.contains("unknown kind 'linear'"), m);
    m = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("cosine rate=x floor=0.1"))
        .getMessage();
    assertTrue(m.contains("not a number"), m);
  }
}
