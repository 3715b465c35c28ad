package org.admm4j.nn.train;

import java.util.Random;
import org.admm4j.kernels.Kernels;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.optim.LrSchedule;
import org.admm4j.nn.optim.Sgd;

/**
 * Experiment, not a test: trains LeNet-5 on real MNIST and prints loss, images/s and test accuracy
 * per epoch. Arguments: epochs threads batch lr [maxTrainSamples] [cosine|step] [model] [KERNELS|DATA].
 */
public final class LenetMnistRun {

  public static void main(String[] args) throws Exception {
    int epochs = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    int batch = Integer.parseInt(args[2]);
    float lr = Float.parseFloat(args[3]);
    int max = args.length > 4 ? Integer.parseInt(args[4]) : Integer.MAX_VALUE;
    String schedule = args.length > 5 ? args[5] : "cosine";
    String model = args.length > 6 ? args[6] : "lenet5";
    Parallelism mode = args.length > 7 ? Parallelism.valueOf(args[7]) : Parallelism.KERNELS;
    MnistFiles train = MnistFiles.load("train"), test = MnistFiles.load("t10k");
    int count = Math.min(max, train.count);
    Model m = Models.create(model, 1);
    Sgd sgd = new Sgd(m.parameters(), lr, 0.9f, false, 5e-4f);
    LrSchedule lrs = schedule.equals("step") ? LrSchedule.step(lr, 4, 0.3f) : LrSchedule.cosine(lr, 0f);
    Trainer t = new Trainer(m, sgd, threads, batch, mode);
    System.out.println(Kernels.describe() + ", " + mode + ", JDK " + Runtime.version());
    Random r = new Random(1);
    int[] order = new int[count];
    for (int e = 0; e < epochs; e++) {
      for (int i = 0; i < count; i++) {
        order[i] = i;
      }
      for (int i = count - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      sgd.setLearningRate(lrs.at(e, epochs));
      EpochStats s = t.trainEpoch(train.images, train.labels, count, order, null);
      long t0 = System.nanoTime();
      double acc = t.accuracy(test.images, test.labels, test.count);
      double evalS = (System.nanoTime() - t0) / 1e9;
      System.out.printf("epoch %d lr %.4f loss %.4f train %.2f%% %.0f img/s (%.1f s) test %.2f%% (eval %.1f s)%n",
          e + 1, sgd.learningRate(), s.meanLoss(), s.trainAccuracy(), s.imagesPerSecond(), s.wallSeconds(), acc,
          evalS);
    }
  }
}
