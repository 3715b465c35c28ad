package org.admm4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumberTextTest {

  @Test
  void plainNumbersLoseTrailingZerosAndABarePoint() {
    assertEquals("1", NumberText.number(1.0, 4));
    assertEquals("100", NumberText.number(100, 4));
    assertEquals("0.1", NumberText.number(0.1, 4));
    assertEquals("12.5", NumberText.number(12.5, 4));
    assertEquals("0.0015", NumberText.number(0.0015, 4));
    assertEquals("-2.718", NumberText.number(-2.718281828, 4));
    assertEquals("1000", NumberText.number(999.99, 4));
    assertEquals("0", NumberText.number(0, 4));
    assertEquals("1.230e-05", NumberText.number(1.23e-5, 4));
    assertEquals("1.235e+07", NumberText.number(12_345_678, 4));
    assertEquals("NaN", NumberText.number(Double.NaN, 4));
    assertEquals("-Infinity", NumberText.number(Double.NEGATIVE_INFINITY, 4));
  }
}
