package org.admm4j.nn.compact;

import java.util.LinkedHashMap;
import java.util.Map;
import org.admm4j.nn.io.Tensor;

/**
 * A model read from a compact file: its tensors in file order, dense again, and its metadata.
 *
 * @param tensors name → tensor (PyTorch names such as {@code conv1.weight}), in the order written
 * @param metadata string pairs stored with the model (e.g. model name, compression)
 */
public record CompactModel(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {}
