package org.admm4j.kernels;

/** Argument checks shared by the facades; the messages name the argument and the sizes. */
final class ArrayChecks {

  private ArrayChecks() {}

  static void range(String name, float[] x, int off, long n) {
    if (x == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (off < 0 || n < 0 || off + n > x.length) {
      throw new IllegalArgumentException(name + " needs " + n + " floats from offset " + off + " but has "
          + x.length);
    }
  }

  static void range(String name, int[] x, int off, long n) {
    if (x == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (off < 0 || n < 0 || off + n > x.length) {
      throw new IllegalArgumentException(name + " needs " + n + " ints from offset " + off + " but has "
          + x.length);
    }
  }
}
