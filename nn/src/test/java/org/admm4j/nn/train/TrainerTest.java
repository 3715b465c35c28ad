package org.admm4j.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
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

  @Test
  void lenet5LearnsWithAdam() {
    Synthetic train = new Synthetic(256, 4), test = new Synthetic(100, 5);
    Model m = Models.create("lenet5", 3);
    Trainer t = new Trainer(m, new Adam(m.parameters(), 1e-3f), 2, 32);
    int[] done = new int[1];
    EpochStats s = t.trainEpoch(train.images, train.labels, train.count, identity(train.count),
        (d, total, loss) -> done[0] = d);
    assertEquals(256, done[0]);
    assertTrue(t.accuracy(test.images, test.labels, test.count) > 40, s.toString());
  }

  @Test
  void sameSeedAndThreadsGiveTheSameBits() {
    Synthetic train = new Synthetic(100, 6);
    for (int threads : new int[] {1, 2, 3}) {
      float[] a = trainFewSteps("convnet", threads, train);
      float[] b = trainFewSteps("convnet", threads, train);
      assertArrayEquals(a, b, "threads " + threads);
    }
  }

  /** One and two shards differ only in float rounding of the gradient sum (no BatchNorm here). */
  @Test
  void oneAndTwoThreadsAgreeWithinRounding() {
    Synthetic train = new Synthetic(100, 7);
    float[] a = trainFewSteps("lenet5", 1, train);
    float[] b = trainFewSteps("lenet5", 2, train);
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], 1e-4f + 1e-3f * Math.abs(a[i]), "weight " + i);
    }
  }

  private static float[] trainFewSteps(String model, int threads, Synthetic data) {
    Model m = Models.create(model, 11);
    Trainer t = new Trainer(m, new Sgd(m.parameters(), 0.01f, 0.9f, true, 1e-4f), threads, 20);
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
}
