/**
 * Internal to admm4j: the kernel families ({@code XxxSupport}), their plain-Java ({@code ScalarXxxSupport})
 * and Vector API ({@code PanamaXxxSupport}) implementations, and the {@link
 * org.admm4j.kernels.internal.KernelProvider} that picks one set at start-up.
 *
 * <p>Nothing outside {@code org.admm4j.kernels} may use this package: callers go through the public
 * facades ({@code Blas}, {@code Convolution}, {@code Pooling}, {@code Elementwise}, {@code Projection},
 * {@code OptimizerKernels}). Every {@code jdk.incubator.vector} import of the project lives here, in the
 * {@code Panama*} classes, so that nothing touching the incubator API is linked when the module is absent.
 */
package org.admm4j.kernels.internal;
