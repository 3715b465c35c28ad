package org.admm4j.nn.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GappedTensorTest {

  private static float[] roundTrip(float[] data) {
    byte[] payload = GappedTensor.encode(data);
    float[] back = new float[data.length];
    assertNull(GappedTensor.decode(ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN),
        CodedTensor.entries(data), back));
    for (int i = 0; i < data.length; i++) {
      assertEquals(Float.floatToRawIntBits(data[i]), Float.floatToRawIntBits(back[i]), "element " + i);
    }
    return back;
  }

  private static float[] sparse(long seed, int n, int nonZeros) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] d = new float[n];
    for (int k = 0; k < nonZeros; k++) {
      d[r.nextInt(n)] = (float) r.nextGaussian() * 0.05f;
    }
    return d;
  }

  @Test
  void floatValuesRoundTripBitForBit() {
    for (int nonZeros : new int[] {1, 3, 70, 400}) {
      float[] d = sparse(nonZeros, 500, nonZeros);
      roundTrip(d);
      byte[] p = GappedTensor.encode(d);
      assertEquals(GappedTensor.FLOAT_BITS, p[0], "arbitrary floats have no common small exponent");
    }
    float[] odd = new float[300];
    odd[0] = -0f;
    odd[1] = Float.NaN;
    odd[2] = Float.intBitsToFloat(0x7fc00123);
    odd[100] = Float.NEGATIVE_INFINITY;
    odd[299] = Float.MIN_VALUE;
    roundTrip(odd);
    assertNull(GappedTensor.encode(new float[9]));
  }

  @Test
  void fixedPointValuesAreStoredAsTheirIntegers() {
    float[] d = FixedPoint.round(sparse(7, 500, 70), 8);
    roundTrip(d);
    byte[] fixed = GappedTensor.encode(d);
    assertEquals(GappedTensor.FIXED_POINT, fixed[0]);
    // about 8 bits a value plus the gaps, against 32 bits a value as float32
    int entries = CodedTensor.entries(d);
    assertTrue(fixed.length < 2 * entries, fixed.length + " bytes for " + entries + " values");
    // dense, negative, subnormal and large values with a shared exponent
    roundTrip(new float[] {-3f, 5f, 1f, -1f, 7f, 1024f});
    roundTrip(new float[] {Float.MIN_VALUE, 3 * Float.MIN_VALUE, 0f, -Float.MIN_VALUE});
    roundTrip(new float[] {0x1p100f, -0x3p100f});
    // 2^30 apart in scale: q no longer fits below 2^31, so float32 it is
    float[] wide = {1f, 0x1p-31f};
    assertEquals(Integer.MIN_VALUE, GappedTensor.commonExponent(wide));
    roundTrip(wide);
  }

  private static String refused(byte[] payload, int entries, int elements) {
    String m = GappedTensor.decode(ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN), entries,
        new float[elements]);
    assertTrue(m != null, "accepted");
    return m;
  }

  @Test
  void hostilePayloadsAreRefusedByName() {
    assertTrue(refused(new byte[] {7, 1, 0, 0, 0}, 1, 4).contains("'mode' is 7"));
    assertTrue(refused(new byte[] {0, 0, 0, 0, 0}, 1, 4).contains("'gapAlphabet' is 0"));
    // one float32 entry needs 4 bytes of stream
    assertTrue(refused(new byte[] {0, 1, 0x3f, (byte) 0x80}, 1, 4).contains("need 4 bytes"));
    // a float32 entry of +0
    assertTrue(refused(new byte[] {0, 1, 0, 0, 0, 0}, 1, 4).contains("is +0"));
    // fixed point, e = 127, one class (m = 0): q = 1 → 2^127 is finite; magnitude alphabet 31 with m = 30 is not
    byte[] huge = {1, 1, 127, 31, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
        0x11, 0x11, 0x10, 0, 0, 0, 0, 0};
    String m = refused(huge, 1, 4);
    assertTrue(m.contains("codeLengths") || m.contains("beyond float32"), m);
    assertNull(GappedTensor.decode(ByteBuffer.wrap(new byte[] {1, 1, 127, 1, 0}), 1, new float[4]));
    // magnitude alphabet of 2 (classes 0 and 1, codes "0" and "1"): class 1 is q = 2 or 3, × 2^127 overflows
    assertTrue(refused(new byte[] {1, 1, 127, 2, 0x11, (byte) 0b1000_0000}, 1, 4).contains("beyond float32"));
    // gap alphabet {0, 1}: entry 0 at gap class 1, raw bit 1: index 2 of 2 elements
    assertTrue(refused(new byte[] {1, 2, 0x11, 0, 1, (byte) 0b1100_0000}, 1, 2).contains("lands at index 2"));
    // a byte after the last entry, and a stream cut inside the value
    assertTrue(refused(new byte[] {1, 1, 0, 1, 0, 0}, 1, 4).contains("after the last of 1 entries"));
    assertTrue(refused(new byte[] {1, 1, 0, 1}, 1, 4).contains("truncated inside its value"));
    assertTrue(refused(new byte[] {1, 1, 0, 3, 0x12}, 1, 4).contains("magnitude code table"));
  }
}
