package org.admm4j.nn.inference;

/** How an {@link InferenceModel} runs its convolution and fully connected layers. */
public enum Execution {
  /** Per layer: the sparse kernels where the weights are sparse enough (KernelParameters.SPARSE_*), dense elsewhere. */
  AUTO,
  /** Every layer on the dense Java path (the training stack's forward pass). */
  DENSE,
  /** Every convolution and fully connected layer on the sparse kernels, whatever its density. */
  SPARSE
}
