package org.admm4j.spark;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.RhoSchedule;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.datasets.DatasetResolver;

/**
 * The short LeNet-5 plan the Spark tests run on real MNIST (a subset), and where they find MNIST: the user
 * cache that {@code ./admm4j} fills ({@code ~/.cache/admm4j/mnist}); the tests never fetch (Surefire sets
 * {@code admm4j.fetch=false}) and are skipped, saying so, where the files are absent.
 */
final class MnistRuns {

  static final int TRAIN = Integer.getInteger("spark.test.train", 8000);
  /** The whole test set: 2,000 images leave ±0.3 points of noise, more than the 0.2 the comparison allows. */
  static final int TEST = 10000;
  static final int SMALL_TEST = 2000;
  /** The bit-for-bit comparison needs no convergence: a smaller subset and a shorter plan. */
  static final int SMALL_TRAIN = 2000;
  static final int THREADS = 2;
  /** Resuming is checked bit for bit after every phase: the smallest subset that gives each partition batches. */
  static final int RESUME_TRAIN = 640;
  static final int RESUME_TEST = 500;

  private MnistRuns() {}

  /** Skips the calling test unless MNIST's four IDX files are in the user cache. */
  static void assumeMnist() {
    Path dir = DatasetResolver.defaultCacheRoot().resolve("mnist");
    for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte"}) {
      assumeTrue(Files.isRegularFile(dir.resolve(f)), "MNIST not in " + dir + " (run ./admm4j prune once to fetch"
          + " it); skipping the Spark MNIST runs");
    }
  }

  static DatasetShardSource source(int train, int test) {
    return new DatasetShardSource("mnist", null, train, test);
  }

  /** 1 dense epoch, 2 ADMM iterations of 1 Adam epoch, 1 retraining epoch; the lenet5-71x targets. */
  static PrunePlan shortPlan() {
    return plan(1, 2, 1);
  }

  /**
   * Long enough on {@link #TRAIN} images for the accuracy to level off, which is where a consensus run and a
   * local one meet: {@code dense} cosine SGD epochs, {@code admm} iterations of one Adam epoch, {@code retrain}
   * cosine SGD epochs, the lenet5-71x targets (71.2×).
   */
  static PrunePlan plan(int dense, int admm, int retrain) {
    return plan(dense, admm, retrain, 0.05f);
  }

  /**
   * {@link #plan(int, int, int)} with dense training at learning rate {@code denseLr}; seed 42, or
   * {@code -Dspark.test.seed}.
   */
  static PrunePlan plan(int dense, int admm, int retrain, float denseLr) {
    return PrunePlan.builder().model("lenet5").dataset("mnist").batch(64).seed(Long.getLong("spark.test.seed", 42))
        .dense(new TrainingSchedule(dense, "sgd", denseLr, 0.9f, 0.0005f, "cosine"))
        .admm(admm, new TrainingSchedule(1, "adam", 0.001f, 0.9f, 0f, "constant"))
        .rho(new RhoSchedule(0.003, 1.3, 0.1))
        .retrain(new TrainingSchedule(retrain, "sgd", 0.02f, 0.9f, 0.0005f, "cosine"))
        .nonzeros("conv1", 400).nonzeros("conv2", 2000).nonzeros("fc1", 3200).nonzeros("fc2", 450)
        .augmentShift(2).build();
  }

  static PrunePlan accuracyPlan() {
    return plan(Integer.getInteger("spark.test.dense", 4), Integer.getInteger("spark.test.admm", 6),
        Integer.getInteger("spark.test.retrain", 4));
  }
}
