package org.admm4j.kernels.internal;

import jdk.incubator.vector.FloatVector;

/**
 * Sums of a vector's lanes in index order, from 0f. Not {@code reduceLanes(ADD)}: its float order is
 * left to the implementation, and from JDK 21 on C2 may associate the lanes differently from the
 * interpreter, so the same call can give other bits once compiled (a run would then depend on when
 * the JIT got to it). JDK 17's interpreter and C2 both add in index order, so this keeps their bits.
 */
final class OrderedLanes {

  private OrderedLanes() {}

  static float sum(FloatVector v) {
    float s = 0f;
    for (int i = 0; i < v.length(); i++) {
      s += v.lane(i);
    }
    return s;
  }
}
