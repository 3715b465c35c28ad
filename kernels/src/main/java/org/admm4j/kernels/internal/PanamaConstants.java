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

  /**
   * Vector registers C2 allocates from: 16 on x86 without AVX-512 (ymm0–15), 32 with it and on AArch64
   * (NEON, SVE) and RISC-V. Decided by the platform's preferred width, not the narrowed one: a 256-bit
   * species on an AVX-512 machine still has 32 registers.
   */
  static final int VECTOR_REGISTERS;

  static {
    VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
    int bits = Integer.getInteger("admm4j.vectorBitSize", preferred.vectorBitSize());
    if (bits > 0 && bits < preferred.vectorBitSize()) {
      preferred = FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(bits));
    }
    FLOATS = preferred;
    INTS = IntVector.SPECIES_PREFERRED.withShape(FLOATS.vectorShape());
    VECTOR_BIT_SIZE = FLOATS.vectorBitSize();
    String arch = System.getProperty("os.arch", "");
    boolean x86 = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86") || arch.equals("i386");
    VECTOR_REGISTERS = x86 && FloatVector.SPECIES_PREFERRED.vectorBitSize() < 512 ? 16 : 32;
  }

  private PanamaConstants() {}
}
