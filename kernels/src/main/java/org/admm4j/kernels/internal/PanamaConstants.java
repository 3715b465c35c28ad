package org.admm4j.kernels.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** Vector API statics shared by the Panama kernels, computed once. */
final class PanamaConstants {

  /**
   * Float species of every Panama kernel: the platform's preferred shape, narrowed by
   * {@code -Dadmm4j.vectorBitSize=128|256|512} (a tests and benchmarks override).
   */
  static final VectorSpecies<Float> FLOATS;

  /** Int species with as many lanes as {@link #FLOATS}, for bit tricks on float magnitudes. */
  static final VectorSpecies<Integer> INTS;

  static final int VECTOR_BIT_SIZE;

  static {
    VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
    int bits = Integer.getInteger("admm4j.vectorBitSize", preferred.vectorBitSize());
    if (bits > 0 && bits < preferred.vectorBitSize()) {
      preferred = FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(bits));
    }
    FLOATS = preferred;
    INTS = IntVector.SPECIES_PREFERRED.withShape(FLOATS.vectorShape());
    VECTOR_BIT_SIZE = FLOATS.vectorBitSize();
  }

  private PanamaConstants() {}
}
