/**
 * Image datasets for admm4j: the IDX file format (MNIST's), finding, verifying and caching MNIST and
 * Fashion-MNIST ({@link org.admm4j.datasets.DatasetResolver}), the user's own data (NumPy .npy,
 * CIFAR-10 binary, image folders) as {@link org.admm4j.datasets.Dataset}s resolved by
 * {@link org.admm4j.datasets.DatasetLocator}, per-channel normalization, seeded sample orders
 * ({@link org.admm4j.datasets.BatchOrder}) and a synthetic dataset for fast tests. Depends on nothing
 * in the project; hands out plain arrays in small records.
 */
package org.admm4j.datasets;
