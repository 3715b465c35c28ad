package org.admm4j.datasets;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The content of one IDX file: its dimensions (outermost first) and the raw unsigned bytes.
 *
 * @param file where it was read from (for messages)
 * @param dataType the IDX type code, always {@link IdxReader#UNSIGNED_BYTE} for files this reader returns
 * @param dimensions the sizes from the header, outermost first; {@code dimensions[0]} is the item count
 * @param data the items, row-major, exactly the product of the dimensions long
 * @param sha256 lower-case hex SHA-256 of the uncompressed file content (header and data)
 */
public record IdxFile(Path file, int dataType, int[] dimensions, byte[] data, String sha256) {

  /** Number of dimensions. */
  public int rank() {
    return dimensions.length;
  }

  /** Size of dimension {@code i} (0 = outermost). */
  public int dimension(int i) {
    return dimensions[i];
  }

  /** Number of items: the outermost dimension. */
  public int count() {
    return dimensions[0];
  }

  @Override
  public String toString() {
    return "IdxFile[" + file + ", dims=" + Arrays.toString(dimensions) + ", sha256=" + sha256 + "]";
  }
}
