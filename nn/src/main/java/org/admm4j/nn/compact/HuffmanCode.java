package org.admm4j.nn.compact;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * A canonical Huffman code over symbols 0..n−1 (n ≤ 256), code lengths at most {@link #MAX_LENGTH} bits. The
 * table is its code lengths alone (canonical codes: shorter first, then by symbol), so it is stored as one
 * nibble per symbol. A single used symbol is coded with 0 bits. Decoding validates the lengths (Kraft sum ≤ 1)
 * and refuses a bit string that is no code.
 */
final class HuffmanCode {

  static final int MAX_LENGTH = 15;
  static final int MAX_SYMBOLS = 256;

  private final int[] lengths;
  private final int[] codes;
  // decoding: per length, the first canonical code, how many codes, and where their symbols start in sorted
  private final int[] firstCode = new int[MAX_LENGTH + 2];
  private final int[] countOf = new int[MAX_LENGTH + 2];
  private final int[] offset = new int[MAX_LENGTH + 2];
  private final int[] sorted;
  private final int single;

  private HuffmanCode(int[] lengths) {
    this.lengths = lengths;
    this.codes = new int[lengths.length];
    int used = 0;
    for (int s = 0; s < lengths.length; s++) {
      if (lengths[s] > 0) {
        countOf[lengths[s]]++;
        used++;
      }
    }
    this.single = lengths.length == 1 ? 0 : -1;
    sorted = new int[used];
    int code = 0;
    int index = 0;
    for (int len = 1; len <= MAX_LENGTH; len++) {
      firstCode[len] = code;
      offset[len] = index;
      for (int s = 0; s < lengths.length; s++) {
        if (lengths[s] == len) {
          codes[s] = code++;
          sorted[index++] = s;
        }
      }
      code <<= 1;
    }
  }

  /**
   * The code for these symbol frequencies (length of the array = alphabet size ≥ 1). An alphabet of one
   * symbol costs 0 bits per symbol; otherwise every symbol with a non-zero frequency gets a code.
   */
  static HuffmanCode forFrequencies(long[] freq) {
    int n = freq.length;
    if (n < 1 || n > MAX_SYMBOLS) {
      throw new IllegalArgumentException("alphabet of " + n + " symbols: expected 1.." + MAX_SYMBOLS);
    }
    if (n == 1) {
      return new HuffmanCode(new int[] {0});
    }
    long[] f = freq.clone();
    while (true) {
      int[] lengths = lengths(f);
      int max = 0;
      for (int l : lengths) {
        max = Math.max(max, l);
      }
      if (max <= MAX_LENGTH) {
        return new HuffmanCode(lengths);
      }
      // too deep: flatten the distribution and build again (each round halves the ratio of the extremes)
      for (int i = 0; i < n; i++) {
        f[i] = f[i] == 0 ? 0 : (f[i] + 1) / 2;
      }
    }
  }

  /** Huffman code lengths by merging the two lightest subtrees (ties by lower index first: deterministic). */
  private static int[] lengths(long[] f) {
    int n = f.length;
    int[] lengths = new int[n];
    int used = 0;
    int only = -1;
    for (int i = 0; i < n; i++) {
      if (f[i] > 0) {
        used++;
        only = i;
      }
    }
    if (used <= 1) {
      // one used symbol in a larger alphabet still needs a 1-bit code for the decoder to be well defined
      lengths[only < 0 ? 0 : only] = 1;
      return lengths;
    }
    int nodes = 2 * n;
    long[] weight = new long[nodes];
    int[] parent = new int[nodes];
    Arrays.fill(parent, -1);
    PriorityQueue<Integer> heap = new PriorityQueue<>((a, b) -> weight[a] != weight[b]
        ? Long.compare(weight[a], weight[b]) : Integer.compare(a, b));
    for (int i = 0; i < n; i++) {
      if (f[i] > 0) {
        weight[i] = f[i];
        heap.add(i);
      }
    }
    int next = n;
    while (heap.size() > 1) {
      int a = heap.poll();
      int b = heap.poll();
      weight[next] = weight[a] + weight[b];
      parent[a] = next;
      parent[b] = next;
      heap.add(next++);
    }
    for (int i = 0; i < n; i++) {
      if (f[i] > 0) {
        int d = 0;
        for (int p = i; parent[p] >= 0; p = parent[p]) {
          d++;
        }
        lengths[i] = d;
      }
    }
    return lengths;
  }

  /**
   * The code of a stored table.
   *
   * @throws IllegalArgumentException naming the problem when the lengths are no prefix code
   */
  static HuffmanCode fromLengths(int[] lengths) {
    if (lengths.length < 1 || lengths.length > MAX_SYMBOLS) {
      throw new IllegalArgumentException("alphabet of " + lengths.length + " symbols: expected 1.." + MAX_SYMBOLS);
    }
    if (lengths.length == 1) {
      if (lengths[0] != 0) {
        throw new IllegalArgumentException("a one-symbol alphabet has code length 0, found " + lengths[0]);
      }
      return new HuffmanCode(lengths.clone());
    }
    long kraft = 0;
    int used = 0;
    for (int l : lengths) {
      if (l < 0 || l > MAX_LENGTH) {
        throw new IllegalArgumentException("code length " + l + " outside 0.." + MAX_LENGTH);
      }
      if (l > 0) {
        kraft += 1L << (MAX_LENGTH - l);
        used++;
      }
    }
    if (used == 0) {
      throw new IllegalArgumentException("no symbol has a code");
    }
    if (kraft > 1L << MAX_LENGTH) {
      throw new IllegalArgumentException("code lengths over-subscribe the code space (Kraft sum above 1)");
    }
    return new HuffmanCode(lengths.clone());
  }

  int alphabetSize() {
    return lengths.length;
  }

  int length(int symbol) {
    return lengths[symbol];
  }

  /** Code lengths per symbol (the stored table). */
  int[] lengths() {
    return lengths.clone();
  }

  void write(BitWriter out, int symbol) {
    if (single == 0) {
      return;
    }
    if (lengths[symbol] == 0) {
      throw new IllegalArgumentException("symbol " + symbol + " has no code");
    }
    out.write(codes[symbol], lengths[symbol]);
  }

  /** The next symbol, or -1 when the bits run out or form no code. */
  int read(BitReader in) {
    if (single == 0) {
      return 0;
    }
    int code = 0;
    for (int len = 1; len <= MAX_LENGTH; len++) {
      int b = in.bit();
      if (b < 0) {
        return -1;
      }
      code = code << 1 | b;
      int delta = code - firstCode[len];
      if (delta >= 0 && delta < countOf[len]) {
        return sorted[offset[len] + delta];
      }
    }
    return -1;
  }

  /** Bits to code {@code freq} with this code. */
  long cost(long[] freq) {
    long bits = 0;
    for (int s = 0; s < freq.length; s++) {
      bits += freq[s] * lengths[s];
    }
    return bits;
  }
}
