package org.admm4j.cli.report;

import java.util.Locale;

/** How the page writes numbers: one locale (ROOT) so a report reads the same on every machine. */
final class NumberText {

  /** What the page shows where the report has no value. */
  static final String NOT_AVAILABLE = "not available";

  private NumberText() {}

  /** 430500 → "430,500". */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A count that may be absent. */
  static String count(Long n) {
    return n == null ? NOT_AVAILABLE : count(n.longValue());
  }

  /** 99.123 → "99.12 %" (the value is already in percent). */
  static String percent(double p) {
    return finite(p) ? String.format(Locale.ROOT, "%.2f %%", p) : String.valueOf(p);
  }

  /** 40.23 → "40.2×", 1.25 → "1.25×" (two decimals below 10, where one would mislead). */
  static String ratio(double r) {
    if (!finite(r)) {
      return String.valueOf(r);
    }
    return String.format(Locale.ROOT, Math.abs(r) < 10 ? "%.2f×" : "%.1f×", r);
  }

  /** A plain number with up to {@code digits} significant digits, e.g. 0.0015 or 1.23e-05. */
  static String number(double x, int digits) {
    if (!finite(x)) {
      return String.valueOf(x);
    }
    double a = Math.abs(x);
    if (a != 0 && (a < 1e-3 || a >= 1e7)) {
      return String.format(Locale.ROOT, "%." + (digits - 1) + "e", x);
    }
    String s = String.format(Locale.ROOT, "%." + digits + "g", x);
    if (!s.contains(".") || s.contains("e")) {
      return s;
    }
    // trailing zeros and then a bare point stripped by hand: a regular expression, compiled for every table
    // cell, cost more than the cell
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    return s.substring(0, s.charAt(end - 1) == '.' ? end - 1 : end);
  }

  /** 230.5 → "230.5 s (3 min 50.5 s)". */
  static String seconds(double s) {
    if (!finite(s)) {
      return String.valueOf(s);
    }
    String plain = String.format(Locale.ROOT, "%.1f s", s);
    if (s < 60) {
      return plain;
    }
    long minutes = (long) (s / 60);
    return plain + String.format(Locale.ROOT, " (%d min %.1f s)", minutes, s - 60.0 * minutes);
  }

  /** Seconds that may be absent. */
  static String seconds(Double s) {
    return s == null ? NOT_AVAILABLE : seconds(s.doubleValue());
  }

  private static boolean finite(double x) {
    return !Double.isNaN(x) && !Double.isInfinite(x);
  }
}
