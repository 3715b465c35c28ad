/**
 * The compact on-disk format for pruned models: per tensor either dense float32 or the non-zero values
 * with one-byte relative indices (Deep Compression's encoding, with filler entries for long gaps), a
 * CRC-32 per tensor and for the header, and a reader that validates every field before the allocation
 * it guards. See {@code CompactFormat} for the layout; {@code admm4j export} converts a run's
 * {@code model.safetensors}.
 */
package org.admm4j.nn.compact;
