/**
 * Public kernel facades of admm4j: {@link org.admm4j.kernels.Blas}, {@link org.admm4j.kernels.Convolution},
 * {@link org.admm4j.kernels.Pooling}, {@link org.admm4j.kernels.Elementwise}, {@link
 * org.admm4j.kernels.Projection} and {@link org.admm4j.kernels.OptimizerKernels}. Each checks its
 * arguments and forwards to the implementation chosen once at start-up (Vector API or plain Java).
 */
package org.admm4j.kernels;
