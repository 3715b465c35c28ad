package org.admm4j.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

  @Test
  void schedules() {
    assertEquals(0.1f, LrSchedule.constant(0.1f).at(7, 10));
    LrSchedule step = LrSchedule.step(0.1f, 3, 0.5f);
    assertEquals(0.1f, step.at(2, 10), 1e-7f);
    assertEquals(0.05f, step.at(3, 10), 1e-7f);
    assertEquals(0.025f, step.at(6, 10), 1e-7f);
    LrSchedule cos = LrSchedule.cosine(0.1f, 0f);
    assertEquals(0.1f, cos.at(0, 10), 1e-7f);
    assertEquals(0.05f, cos.at(5, 10), 1e-7f);
    assertEquals(0.1f * (1 + Math.cos(Math.PI * 0.9)) / 2, cos.at(9, 10), 1e-7f);
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.step(0.1f, 0, 0.5f));
  }
}
