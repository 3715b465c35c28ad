package org.admm4j.nn.compact;

/**
 * The compact pruned-model file. Version 2 (written now) is below the version 1 layout, which still loads.
 * All integers little-endian.
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
 *
 * <p>Version 2:
 * <pre>
 * preamble (16 bytes): magic "A4JC", u16 version = 2, u16 flags (bit 0: header deflated; bit 1: zoo tensor
 *   table, below; bit 2: well-known metadata keys by id, below; others 0),
 *   u32 headerLength (stored bytes), u32 headerCrc32 (of the stored bytes)
 * header, stored: the raw header, or when deflated u32 rawLength then its DEFLATE stream (raw ≤ 16 × stored + 64)
 * raw header (v = unsigned LEB128 varint, at most 5 bytes, below 2^32):
 *   v metadataCount, per entry: v keyLength, key, v valueLength, value (UTF-8)
 *   v tensorCount, per tensor: v nameLength, name, u8 rank (≤ 8), rank × v dims, u8 encoding
 *     (0 dense, 1 sparse as in v1, 2 coded, 3 gapped, 4 coded with half-precision levels), v entries (sparse:
 *     stored entries with fillers; coded and gapped: non-zeros; dense: 0), v payloadLength
 *   u32 payloadsCrc32: of all payload bytes, in order
 * payloads, in tensor order, nothing after the last: dense and sparse as in v1, coded as {@link CodedTensor},
 *   gapped as {@link GappedTensor}
 * </pre>
 * With flag bit 2 a metadata entry may be {@code v 0, u8 id, v valueLength, value}: key {@code id} of
 * {@link WellKnownMetadata#KEYS} ({@code model}, {@code admm4j.spec}, {@code admm4j.normalization}), the
 * normalisation's value as {@code m1,…/s1,…} (read back as its JSON).
 * With flag bit 1 a tensor entry is only {@code u8 encoding, v entries, v payloadLength}: the names and shapes
 * are those of the zoo model that metadata {@code model} names, in its order, and {@code tensorCount} must be its
 * count (a pruned LeNet-5 saves 68 bytes). Files written before the gapped encoding existed use encodings 0–2
 * only and read as before. A coded or gapped
 * tensor's element count is bounded by the caller's cap on decoded floats (its gaps cost only about
 * their logarithm, so the file size bounds it too loosely to serve as a guard).
 */
final class CompactFormat {

  static final byte[] MAGIC = {'A', '4', 'J', 'C'};
  /** The version the writer writes. */
  static final int VERSION = 2;
  static final int VERSION_1 = 1;
  /** Version 2 preamble flag (in v1's reserved field): the header is DEFLATE-compressed. */
  static final int FLAG_DEFLATED = 1;
  /**
   * Version 2 preamble flag: the tensor table omits every name, rank and shape; they are, in order, those of
   * the zoo model that metadata {@code model} names (and no {@code admm4j.spec} is stored).
   */
  static final int FLAG_ZOO_TENSORS = 2;
  /**
   * Version 2 preamble flag: a metadata entry whose key length is 0 is followed by a u8 id of a well-known key
   * ({@link WellKnownMetadata}), its value in that key's short form.
   */
  static final int FLAG_SHORT_METADATA = 4;
  static final int KNOWN_FLAGS = FLAG_DEFLATED | FLAG_ZOO_TENSORS | FLAG_SHORT_METADATA;
  /** A deflated header may inflate to at most this many times its stored bytes (plus 64): no zip bombs. */
  static final int MAX_INFLATE_RATIO = 16;
  static final int PREAMBLE_BYTES = 16;

  static final byte DENSE = 0;
  static final byte SPARSE = 1;
  /** Version 2: a codebook with entropy-coded gaps and level codes ({@link CodedTensor}). */
  static final byte CODED = 2;
  /** Version 2: entropy-coded gaps with float32 or fixed-point values ({@link GappedTensor}). */
  static final byte GAPPED = 3;
  /** Version 2: {@link #CODED} with the codebook's levels as IEEE halves (every level a half exactly). */
  static final byte CODED_HALF = 4;

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
