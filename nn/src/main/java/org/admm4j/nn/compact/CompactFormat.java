package org.admm4j.nn.compact;

/**
 * The compact pruned-model file, version 1. All integers little-endian.
 *
 * <pre>
 * preamble (16 bytes): magic "A4JC", u16 version = 1, u16 reserved = 0, u32 headerLength, u32 headerCrc32
 * header (headerLength bytes, CRC-32 in the preamble):
 *   u32 metadataCount, then per entry: u16 keyLength, key (UTF-8), u32 valueLength, value (UTF-8)
 *   u32 tensorCount, then per tensor: u16 nameLength, name (UTF-8), u8 rank (≤ 8), rank × u32 dims,
 *     u8 encoding (0 dense, 1 sparse), u32 entries (sparse: stored entries, fillers included; dense: 0),
 *     u32 payloadCrc32
 * payloads, in tensor order, nothing after the last:
 *   dense:  elements × f32
 *   sparse: entries × f32 values, then entries × u8 gaps
 * </pre>
 *
 * <p>Sparse tensors store relative indices as in Deep Compression (Han et al., 2016): entry e sits at
 * position {@code pos(e) = pos(e − 1) + gap[e] + 1} (pos(−1) = −1) of the flattened tensor. A gap over 255
 * zeros is bridged by filler entries of value 0 and gap 255; the writer also bridges the zeros after the
 * last non-zero, so every tensor satisfies {@code elements ≤ 256·(entries + 1)}: its dense size is bounded
 * by the bytes stored for it, which lets the reader refuse a hostile size before allocating anything.
 */
final class CompactFormat {

  static final byte[] MAGIC = {'A', '4', 'J', 'C'};
  static final int VERSION = 1;
  static final int PREAMBLE_BYTES = 16;

  static final byte DENSE = 0;
  static final byte SPARSE = 1;

  /** Largest gap one entry can encode: 255 zeros between two stored positions. */
  static final int MAX_GAP = 255;

  /** Positions one entry can advance: a filler covers 256. */
  static final int SPAN = MAX_GAP + 1;

  static final int MAX_RANK = 8;

  /** Headers above this are refused unread (a real one is a few KiB: names, shapes, metadata). */
  static final int MAX_HEADER_BYTES = 16 << 20;

  /** Default cap on the floats a model may decode to (2^28 floats = 1 GiB); see CompactModelReader. */
  static final long DEFAULT_MAX_ELEMENTS = 1L << 28;

  private CompactFormat() {}
}
