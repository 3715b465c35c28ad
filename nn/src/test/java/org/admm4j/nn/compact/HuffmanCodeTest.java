package org.admm4j.nn.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HuffmanCodeTest {

  private static void roundTrip(int[] symbols, int alphabet) {
    long[] freq = new long[alphabet];
    for (int s : symbols) {
      freq[s]++;
    }
    HuffmanCode code = HuffmanCode.forFrequencies(freq);
    BitWriter w = new BitWriter();
    for (int s : symbols) {
      code.write(w, s);
    }
    assertEquals(code.cost(freq), w.bitCount());
    byte[] bytes = w.toByteArray();
    // the decoder works from the stored table alone
    HuffmanCode stored = HuffmanCode.fromLengths(code.lengths());
    BitReader r = new BitReader(ByteBuffer.wrap(bytes), 0, bytes.length);
    for (int i = 0; i < symbols.length; i++) {
      assertEquals(symbols[i], stored.read(r), "symbol " + i);
    }
    assertTrue(r.atPaddedEnd());
    long kraft = 0;
    int used = 0;
    for (int s = 0; s < alphabet; s++) {
      assertTrue(code.length(s) <= HuffmanCode.MAX_LENGTH);
      if (code.length(s) > 0) {
        kraft += 1L << (HuffmanCode.MAX_LENGTH - code.length(s));
        used++;
      }
      assertEquals(freq[s] > 0 || alphabet == 1, code.length(s) > 0 || alphabet == 1, "symbol " + s);
    }
    assertTrue(kraft <= 1L << HuffmanCode.MAX_LENGTH);
    // within one bit per symbol of the entropy (Huffman's bound), when no length had to be limited
    double entropy = 0;
    for (long f : freq) {
      if (f > 0) {
        entropy -= f * Math.log((double) f / symbols.length) / Math.log(2);
      }
    }
    if (used > 1 && maxLength(code, alphabet) < HuffmanCode.MAX_LENGTH) {
      assertTrue(w.bitCount() <= entropy + symbols.length + 1e-6, w.bitCount() + " bits, entropy " + entropy);
    }
  }

  private static int maxLength(HuffmanCode c, int n) {
    int m = 0;
    for (int s = 0; s < n; s++) {
      m = Math.max(m, c.length(s));
    }
    return m;
  }

  @Test
  void randomInputsRoundTrip() {
    SplittableRandom r = new SplittableRandom(1);
    for (int trial = 0; trial < 300; trial++) {
      int alphabet = 1 + r.nextInt(256);
      int[] symbols = new int[1 + r.nextInt(2000)];
      double skew = r.nextDouble() * 3;
      for (int i = 0; i < symbols.length; i++) {
        symbols[i] = Math.min(alphabet - 1, (int) (alphabet * Math.pow(r.nextDouble(), 1 + skew)));
      }
      roundTrip(symbols, alphabet);
    }
  }

  /** One used symbol, two, Fibonacci frequencies (the deepest trees: lengths must be limited), all 256. */
  @Test
  void adversarialInputsRoundTrip() {
    roundTrip(new int[] {5, 5, 5}, 6);
    roundTrip(new int[] {0}, 1);
    roundTrip(new int[] {0, 0, 0, 0}, 1);
    roundTrip(new int[] {0, 1}, 2);
    int[] fib = new int[40];
    fib[0] = 1;
    fib[1] = 1;
    int total = 0;
    for (int i = 2; i < 25; i++) {
      fib[i] = fib[i - 1] + fib[i - 2];
    }
    for (int i = 0; i < 25; i++) {
      total += fib[i];
    }
    int[] symbols = new int[total];
    int p = 0;
    for (int s = 0; s < 25; s++) {
      for (int k = 0; k < fib[s]; k++) {
        symbols[p++] = s;
      }
    }
    roundTrip(symbols, 25);
    int[] all = new int[256 * 3];
    for (int i = 0; i < all.length; i++) {
      all[i] = i % 256;
    }
    roundTrip(all, 256);
  }

  @Test
  void badTablesAndStreamsAreRefused() {
    // over-subscribed: three codes of length 1
    assertThrows(IllegalArgumentException.class, () -> HuffmanCode.fromLengths(new int[] {1, 1, 1}));
    assertThrows(IllegalArgumentException.class, () -> HuffmanCode.fromLengths(new int[] {0, 0}));
    assertThrows(IllegalArgumentException.class, () -> HuffmanCode.fromLengths(new int[] {16, 1}));
    assertThrows(IllegalArgumentException.class, () -> HuffmanCode.fromLengths(new int[] {1}));
    assertThrows(IllegalArgumentException.class, () -> HuffmanCode.fromLengths(new int[257]));
    // incomplete code {0 → "0"}: the bits "1…" are no code; an empty stream has no symbol
    HuffmanCode c = HuffmanCode.fromLengths(new int[] {1, 0});
    assertEquals(-1, c.read(new BitReader(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF}), 0, 2)));
    assertEquals(-1, c.read(new BitReader(ByteBuffer.wrap(new byte[0]), 0, 0)));
    assertEquals(0, c.read(new BitReader(ByteBuffer.wrap(new byte[] {0}), 0, 1)));
  }
}
