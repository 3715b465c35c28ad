package org.admm4j.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.Sequential;
import org.admm4j.nn.layers.BatchNorm;
import org.admm4j.nn.layers.Conv2d;
import org.admm4j.nn.layers.Dropout;
import org.admm4j.nn.layers.Flatten;
import org.admm4j.nn.layers.Layer;
import org.admm4j.nn.layers.Linear;
import org.admm4j.nn.layers.MaxPool2d;
import org.admm4j.nn.layers.ReLU;
import org.admm4j.nn.optim.Adam;
import org.admm4j.nn.optim.Sgd;
import org.junit.jupiter.api.Test;

class TrainerTest {

  /** Ten classes, each a bright 6×6 square at its own place on a noisy 28×28 image. */
  static final class Synthetic {
    final float[] images;
    final byte[] labels;
    final int count;

    Synthetic(int count, long seed) {
      this.count = count;
      Random r = new Random(seed);
      images = new float[count * 784];
      labels = new byte[count];
      for (int i = 0; i < count; i++) {
        int c = r.nextInt(10);
        labels[i] = (byte) c;
        int top = 2 + (c / 5) * 12, left = 1 + (c % 5) * 5;
        for (int p = 0; p < 784; p++) {
          images[i * 784 + p] = (float) r.nextGaussian() * 0.5f;
        }
        for (int y = top; y < top + 6; y++) {
          for (int x = left; x < left + 6; x++) {
            images[i * 784 + y * 28 + x] += 1.5f;
          }
        }
      }
    }
  }

  static int[] identity(int n) {
    int[] o = new int[n];
    for (int i = 0; i < n; i++) {
      o[i] = i;
    }
    return o;
  }

  @Test
  void lenet300100LearnsASyntheticTask() {
    Synthetic train = new Synthetic(600, 1), test = new Synthetic(200, 2);
    Model m = Models.create("lenet-300-100", 3);
    Trainer t = new Trainer(m, new Sgd(m.parameters(), 0.05f, 0.9f), 2, 32);
    double before = t.accuracy(test.images, test.labels, test.count);
    EpochStats first = t.trainEpoch(train.images, train.labels, train.count, identity(train.count), null);
    EpochStats second = t.trainEpoch(train.images, train.labels, train.count, identity(train.count), null);
    double after = t.accuracy(test.images, test.labels, test.count);
    assertTrue(second.meanLoss() < first.meanLoss(), first + " then " + second);
    assertTrue(after > 60, "accuracy " + before + "% → " + after + "%");
    assertEquals(600, second.samples());
  }

  /**
   * A small network with every layer type (conv, BatchNorm 2d and 1d, ReLU, max-pool, flatten, linear,
   * dropout) that trains fast on any kernels.
   */
  static Model tinyConvNet(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Layer> layers = new ArrayList<>();
    Conv2d conv = new Conv2d("conv1", new int[] {1, 28, 28}, 4, 5, 2, 0, r);
    layers.add(conv);
    layers.add(new BatchNorm("bn1", conv.outputShape()));
    layers.add(new ReLU("relu1", conv.outputShape()));
    MaxPool2d pool = new MaxPool2d("pool1", conv.outputShape(), 2, 2);
    layers.add(pool);
    layers.add(new Flatten("flatten", pool.outputShape()));
    layers.add(new Linear("fc1", pool.outputSize(), 32, r));
    layers.add(new BatchNorm("bn2", new int[] {32}));
    layers.add(new ReLU("relu2", new int[] {32}));
    layers.add(new Dropout("dropout", new int[] {32}, 0.2f, seed));
    layers.add(new Linear("fc2", 32, 10, r));
    return new Sequential("tiny", 1, 28, 28, 10, layers);
  }

  @Test
  void tinyConvNetLearnsWithAdam() {
    Synthetic train = new Synthetic(512, 4), test = new Synthetic(200, 5);
    Model m = tinyConvNet(3);
    Trainer t = new Trainer(m, new Adam(m.parameters(), 3e-3f), 2, 32, Parallelism.DATA);
    int[] done = new int[1];
    EpochStats s = t.trainEpoch(train.images, train.labels, train.count, identity(train.count),
        (d, total, loss) -> done[0] = d);
    assertEquals(512, done[0]);
    s = t.trainEpoch(train.images, train.labels, train.count, identity(train.count), null);
    double acc = t.accuracy(test.images, test.labels, test.count);
    assertTrue(acc > 50, acc + "% after " + s);
    // evaluation used the running statistics: they moved away from their initial (0, 1)
    assertTrue(m.parameter("bn1.running_mean").data()[0] != 0f);
  }

  @Test
  void sameSeedAndThreadsGiveTheSameBits() {
    Synthetic train = new Synthetic(100, 6);
    for (Parallelism mode : Parallelism.values()) {
      for (int threads : new int[] {1, 2, 3}) {
        float[] a = trainFewSteps(tinyConvNet(11), threads, mode, train);
        float[] b = trainFewSteps(tinyConvNet(11), threads, mode, train);
        assertArrayEquals(a, b, mode + ", threads " + threads);
      }
    }
  }

  /** In KERNELS mode the thread count does not change a bit (the kernels split by size, not threads). */
  @Test
  void kernelModeGivesTheSameBitsForAnyThreadCount() {
    Synthetic train = new Synthetic(100, 8);
    float[] a = trainFewSteps(tinyConvNet(11), 1, Parallelism.KERNELS, train);
    float[] b = trainFewSteps(tinyConvNet(11), 2, Parallelism.KERNELS, train);
    float[] c = trainFewSteps(tinyConvNet(11), 3, Parallelism.KERNELS, train);
    assertArrayEquals(a, b);
    assertArrayEquals(a, c);
  }

  /**
   * In DATA mode one and two shards differ only in the rounding of the gradient sum when no layer
   * normalises per shard: LeNet-300-100 after 3 steps agrees to 1e-4 absolute + 1e-3 relative.
   */
  @Test
  void dataModeOneAndTwoThreadsAgreeWithinRounding() {
    Synthetic train = new Synthetic(100, 7);
    float[] a = trainFewSteps(Models.create("lenet-300-100", 11), 1, Parallelism.DATA, train);
    float[] b = trainFewSteps(Models.create("lenet-300-100", 11), 2, Parallelism.DATA, train);
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], 1e-4f + 1e-3f * Math.abs(a[i]), "weight " + i);
    }
  }

  /** A student equal to its teacher, all weight on the soft term: zero gradient, so SGD changes nothing. */
  @Test
  void distillingFromAnIdenticalTeacherLeavesTheWeightsAlone() {
    Synthetic train = new Synthetic(60, 9);
    for (int threads : new int[] {1, 2}) {
      Model student = Models.create("lenet-300-100", 5);
      Model teacher = Models.create("lenet-300-100", 5);
      float[] before = snapshot(student);
      Trainer t = new Trainer(student, new Sgd(student.parameters(), 0.1f, 0f, false, 0f), threads, 20);
      t.setTeacher(teacher, 1f, 3f);
      double loss = t.trainEpoch(train.images, train.labels, train.count, identity(60), null).meanLoss();
      assertEquals(0.0, loss, 1e-6);
      float[] after = snapshot(student);
      for (int i = 0; i < before.length; i++) {
        assertEquals(before[i], after[i], 1e-6f, "weight " + i + ", threads " + threads);
      }
      // and with half the weight on the labels the model does move
      t.setTeacher(teacher, 0.5f, 3f);
      t.trainEpoch(train.images, train.labels, train.count, identity(60), null);
      float[] moved = snapshot(student);
      boolean changed = false;
      for (int i = 0; i < before.length && !changed; i++) {
        changed = Math.abs(moved[i] - before[i]) > 1e-5f;
      }
      assertTrue(changed);
    }
  }

  /** Shifts and the teacher's outputs depend on (seed, step, sample), not on the shard a sample lands in. */
  @Test
  void augmentedDistilledTrainingAgreesAcrossThreadCountsAndRepeats() {
    Synthetic train = new Synthetic(100, 10);
    float[][] runs = new float[3][];
    int[] threads = {1, 2, 2};
    for (int r = 0; r < 3; r++) {
      Model m = Models.create("lenet-300-100", 11);
      Model teacher = Models.create("lenet-300-100", 12);
      Trainer t = new Trainer(m, new Sgd(m.parameters(), 0.01f, 0.9f, true, 1e-4f), threads[r], 20);
      t.setTeacher(teacher, 0.7f, 4f);
      t.setAugmentation(2, -0.4f, 77);
      t.trainEpoch(train.images, train.labels, train.count, identity(60), null);
      runs[r] = snapshot(m);
    }
    assertArrayEquals(runs[1], runs[2]);
    for (int i = 0; i < runs[0].length; i++) {
      assertEquals(runs[0][i], runs[1][i], 1e-4f + 1e-3f * Math.abs(runs[0][i]), "weight " + i);
    }
    // augmentation really changes what is trained on
    Model plain = Models.create("lenet-300-100", 11);
    Trainer t = new Trainer(plain, new Sgd(plain.parameters(), 0.01f, 0.9f, true, 1e-4f), 2, 20);
    t.setTeacher(Models.create("lenet-300-100", 12), 0.7f, 4f);
    t.trainEpoch(train.images, train.labels, train.count, identity(60), null);
    float[] p = snapshot(plain);
    double diff = 0;
    double threadDiff = 0;
    for (int i = 0; i < p.length; i++) {
      diff = Math.max(diff, Math.abs(p[i] - runs[1][i]));
      threadDiff = Math.max(threadDiff, Math.abs(runs[0][i] - runs[1][i]));
    }
    assertTrue(diff > 1e-5 && diff > 10 * threadDiff, "max difference " + diff + ", across threads " + threadDiff);
  }

  @Test
  void badTeacherAndShiftAreRejected() {
    Model m = Models.create("lenet5", 1);
    Trainer t = new Trainer(m, new Sgd(m.parameters(), 0.01f, 0.9f), 1, 8);
    assertThrows(IllegalArgumentException.class, () -> t.setTeacher(m, 0.5f, 2f));
    Model tiny = new Sequential("tiny", 1, 28, 28, 3, List.of(new Flatten("flat", new int[] {1, 28, 28}),
        new Linear("fc", 784, 3, new SplittableRandom(1))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.setTeacher(tiny, 0.5f, 2f));
    assertTrue(e.getMessage().contains("3 classes"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> t.setTeacher(Models.create("lenet5", 2), 1.5f, 2f));
    assertThrows(IllegalArgumentException.class, () -> t.setTeacher(Models.create("lenet5", 2), 0.5f, 0f));
    assertThrows(IllegalArgumentException.class, () -> t.setAugmentation(-1, 0f, 1));
    assertThrows(IllegalArgumentException.class, () -> t.setAugmentation(28, 0f, 1));
  }

  private static float[] snapshot(Model m) {
    List<Parameter> ps = m.tensors();
    int n = 0;
    for (Parameter p : ps) {
      n += p.size();
    }
    float[] all = new float[n];
    int off = 0;
    for (Parameter p : ps) {
      System.arraycopy(p.data(), 0, all, off, p.size());
      off += p.size();
    }
    return all;
  }

  private static float[] trainFewSteps(Model m, int threads, Parallelism mode, Synthetic data) {
    Trainer t = new Trainer(m, new Sgd(m.parameters(), 0.01f, 0.9f, true, 1e-4f), threads, 20, mode);
    int[] order = identity(60);
    t.trainEpoch(data.images, data.labels, data.count, order, null);
    List<Parameter> ps = m.tensors();
    int n = 0;
    for (Parameter p : ps) {
      n += p.size();
    }
    float[] all = new float[n];
    int off = 0;
    for (Parameter p : ps) {
      System.arraycopy(p.data(), 0, all, off, p.size());
      off += p.size();
    }
    return all;
  }

  @Test
  void badInputIsRejectedWithItsName() {
    Model m = Models.create("lenet-300-100", 1);
    Trainer t = new Trainer(m, new Sgd(m.parameters(), 0.01f, 0f), 2, 8);
    Synthetic d = new Synthetic(10, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> t.trainEpoch(d.images, d.labels, 10, new int[] {0, 10}, null));
    assertTrue(e.getMessage().contains("sample 10"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> t.accuracy(d.images, d.labels, 11));
    assertTrue(e.getMessage().contains("images has"), e.getMessage());
    d.labels[3] = 12;
    e = assertThrows(IllegalArgumentException.class, () -> t.trainEpoch(d.images, d.labels, 10, identity(10), null));
    assertTrue(e.getMessage().contains("label 12"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Trainer(m, new Sgd(m.parameters(), 0.01f, 0f), 0, 8));
  }

  @Test
  void lastShortBatchAndMoreThreadsThanSamples() {
    Model m = Models.create("lenet-300-100", 1);
    Trainer t = new Trainer(m, new Sgd(m.parameters(), 0.01f, 0.9f), 4, 8, Parallelism.DATA);
    Synthetic d = new Synthetic(11, 2);
    EpochStats s = t.trainEpoch(d.images, d.labels, 11, identity(11), null); // batches of 8 and 3
    assertEquals(11, s.samples());
    assertTrue(Double.isFinite(s.meanLoss()) && s.meanLoss() > 0);
    assertEquals(2, t.steps());
  }
}
