package org.admm4j.examples;

import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.admm.pipeline.PruneListener;
import org.admm4j.admm.pipeline.PruneResult;
import org.admm4j.admm.pipeline.PruneRun;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.datasets.ChannelNormalization;
import org.admm4j.datasets.Dataset;
import org.admm4j.datasets.InMemoryDataset;
import org.admm4j.datasets.TrainTestSplit;
import org.admm4j.nn.Sequential;
import org.admm4j.nn.spec.ModelSpec;

/**
 * Prunes a network defined in code on data held in arrays, with the ADMM run as a library: no files
 * are written, the thread pool is the caller's, and a listener watches (and may stop) the run.
 * Usage: {@code PruneYourNetwork [SAMPLES]}.
 */
public final class PruneYourNetwork {

  private PruneYourNetwork() {}

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    float[] trainX = colourImages(samples, 1), testX = colourImages(samples / 4, 2);
    int[] trainY = labels(trainX, samples), testY = labels(testX, samples / 4);
    // README:start
    // your network, shapes inferred; names become PyTorch's tensor names (block1.conv1.weight, ...)
    ModelSpec net = Sequential.builder(3, 16, 16).name("my-net")
        .conv2d("conv1", 16, 3, 1, 1, false).batchNorm("bn1").relu()
        .residual("block1", body -> body.conv2d("conv1", 16, 3, 1, 1, false).batchNorm("bn1").relu()
                                         .conv2d("conv2", 16, 3, 1, 1, false).batchNorm("bn2"))
        .relu().globalAvgPool().flatten().linear("fc", 4)
        .spec();

    // your data: float pixels in [0, 1], CHW order, one int label per sample
    Dataset train = InMemoryDataset.ofFloats("mine", new int[] {3, 16, 16}, 4, trainX, trainY);
    Dataset test = InMemoryDataset.ofFloats("mine", new int[] {3, 16, 16}, 4, testX, testY);
    TrainingData data = TrainingData.of(new TrainTestSplit(train, test, ChannelNormalization.of(train)), 0, 0);

    PrunePlan plan = PrunePlan.builder().model(net.name()).seed(7)
        .dense(new TrainingSchedule(3, "sgd", 0.05f, 0.9f, 5e-4f, "cosine"))
        .admm(6, new TrainingSchedule(1, "adam", 0.001f, 0.9f, 0f, "constant"))
        .retrain(new TrainingSchedule(3, "sgd", 0.01f, 0.9f, 5e-4f, "cosine"))
        .keep("kind:conv", 0.25)          // every convolution keeps 25% of its weights
        .keep("fc", 0.5)
        .augmentShift(1).augmentFlip(true)
        .build();
    ForkJoinPool pool = new ForkJoinPool(2);  // the run's threads; the same size gives the same bits
    PruneResult result = PruneRun.of(plan, (name, seed) -> net.build(seed), data, pool)
        .listener(new PruneListener() {
          @Override
          public Control onAdmmIteration(AdmmIterationEvent e) {
            System.out.printf("ADMM %d: test %.1f%%, |W-Z| of conv1 %.4f%n", e.record().iteration(),
                e.record().accuracy(), e.record().primalResidual().get("conv1"));
            return Control.CONTINUE;    // STOP ends the run here
          }
        })
        .run();
    pool.shutdown();
    System.out.printf("%.1fx fewer weights, test accuracy %.1f%% dense, %.1f%% pruned%n", result.compression(),
        result.accuracies().baseline(), result.accuracies().finalAccuracy());
    // README:end
  }

  /** Class c (of 4) is brightest in channel c (class 3: in the top half of every channel), plus noise. */
  private static float[] colourImages(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * 3 * 256];
    for (int i = 0; i < n; i++) {
      int label = i % 4;
      for (int c = 0; c < 3; c++) {
        for (int j = 0; j < 256; j++) {
          boolean bright = label == c || (label == 3 && j < 128);
          x[(i * 3 + c) * 256 + j] = (float) ((bright ? 0.6 : 0.15) + 0.3 * r.nextDouble());
        }
      }
    }
    return x;
  }

  private static int[] labels(float[] x, int n) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 4;
    }
    return y;
  }
}
