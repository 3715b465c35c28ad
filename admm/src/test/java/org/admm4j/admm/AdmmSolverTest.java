package org.admm4j.admm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.admm4j.admm.config.HardPruneSupport;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.datasets.BatchOrder;
import org.admm4j.nn.LayerKind;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.optim.Adam;
import org.admm4j.nn.optim.Optimizer;
import org.admm4j.nn.optim.Sgd;
import org.admm4j.nn.train.Trainer;
import org.junit.jupiter.api.Test;

class AdmmSolverTest {

  private final Random random = new Random(345);

  private static List<PrunedLayer> layers(Model m, double keep) {
    List<PrunedLayer> l = new ArrayList<>();
    for (Parameter p : m.parameters()) {
      if (p.isWeight()) {
        String name = p.name().substring(0, p.name().indexOf('.'));
        l.add(new PrunedLayer(name, p, (int) Math.max(1, Math.round(keep * p.size()))));
      }
    }
    return l;
  }

  @Test
  void zAndUStepMatchReference() {
    for (int n : new int[] {1, 7, 100, 1031}) {
      List<PrunedLayer> ls = new ArrayList<>();
      List<float[]> w0 = new ArrayList<>();
      List<float[]> z0 = new ArrayList<>();
      List<float[]> u0 = new ArrayList<>();
      for (int layer = 0; layer < 3; layer++) {
        Parameter p = Parameter.weight("l" + layer + ".weight", LayerKind.LINEAR, 1, n);
        for (int i = 0; i < n; i++) {
          p.data()[i] = (float) random.nextGaussian();
        }
        int k = layer == 0 ? 0 : layer == 1 ? Math.max(1, n / 10) : n;
        PrunedLayer l = new PrunedLayer("l" + layer, p, k);
        for (int i = 0; i < n; i++) {
          l.z()[i] = (float) random.nextGaussian();
          l.u()[i] = 0.1f * (float) random.nextGaussian();
        }
        ls.add(l);
        w0.add(p.data().clone());
        z0.add(l.z().clone());
        u0.add(l.u().clone());
      }
      double rho = 0.37;
      List<LayerResiduals> res = new AdmmSolver(ls).zAndUStep(rho);
      for (int li = 0; li < ls.size(); li++) {
        PrunedLayer l = ls.get(li);
        float[] w = w0.get(li);
        float[] u = u0.get(li);
        float[] zPrev = z0.get(li);
        // reference: the k largest |W + U| (no ties in Gaussian draws), U += W − Z
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
          idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble(i -> -Math.abs((double) w[i] + u[i])));
        float[] z = new float[n];
        for (int j = 0; j < l.keep(); j++) {
          z[idx[j]] = w[idx[j]] + u[idx[j]];
        }
        double primal = 0;
        double change = 0;
        for (int i = 0; i < n; i++) {
          assertEquals(u[i] + w[i] - z[i], l.u()[i], 1e-6, "U at " + i);
          primal += ((double) w[i] - z[i]) * ((double) w[i] - z[i]);
          change += ((double) z[i] - zPrev[i]) * ((double) z[i] - zPrev[i]);
        }
        assertArrayEquals(z, l.z(), "Z of layer " + li + ", n " + n);
        assertArrayEquals(w, l.weight().data(), "W is not modified");
        assertEquals(l.name(), res.get(li).layer());
        assertEquals(Math.sqrt(primal), res.get(li).primal(), 1e-5 * (1 + Math.sqrt(primal)));
        assertEquals(rho * Math.sqrt(change), res.get(li).dual(), 1e-5 * (1 + Math.sqrt(change)));
      }
    }
  }

  @Test
  void initializeProjectsWeightsAndClearsU() {
    Model m = TinyNets.tiny("tiny", 3);
    AdmmSolver solver = new AdmmSolver(layers(m, 0.2));
    for (PrunedLayer l : solver.layers()) {
      Arrays.fill(l.u(), 5f);
    }
    solver.initialize();
    for (PrunedLayer l : solver.layers()) {
      assertEquals(l.keep(), count(l.z()));
      for (int i = 0; i < l.size(); i++) {
        assertTrue(l.z()[i] == 0f || l.z()[i] == l.weight().data()[i]);
        assertEquals(0f, l.u()[i]);
      }
    }
  }

  @Test
  void hardPruneKeepsExactlyKAndMaskedWeightsStayZeroInRetraining() {
    for (HardPruneSupport support : HardPruneSupport.values()) {
      for (String opt : new String[] {"sgd", "adam"}) {
        Model m = TinyNets.tiny("tiny", 5);
        TrainingData d = TinyNets.data(256, 64);
        AdmmSolver solver = new AdmmSolver(layers(m, 0.15));
        Optimizer o = opt.equals("sgd") ? new Sgd(m.parameters(), 0.05f, 0.9f, false, 5e-3f)
            : new Adam(m.parameters(), 0.01f, 0.9f, 0.999f, 1e-8f, 5e-3f);
        Trainer t = new Trainer(m, o, 2, 32);
        solver.initialize();
        solver.attachPenalty(o, 0.01);
        t.trainEpoch(d.trainImages(), d.trainLabels(), d.trainCount(), BatchOrder.shuffled(d.trainCount(), 1, 0), null);
        solver.zAndUStep(0.01);
        solver.detachPenalty(o);
        solver.hardPrune(support);
        for (PrunedLayer l : solver.layers()) {
          assertEquals(l.keep(), l.weight().countNonZero(), l.name() + " after hard pruning (" + support + ")");
          if (support == HardPruneSupport.Z) {
            for (int i = 0; i < l.size(); i++) {
              assertEquals(l.z()[i] != 0f, l.weight().data()[i] != 0f, "support of Z at " + i);
            }
          }
        }
        // masked retraining with momentum / Adam moments and weight decay
        solver.attachMasks(o);
        for (int e = 0; e < 3; e++) {
          t.trainEpoch(d.trainImages(), d.trainLabels(), d.trainCount(),
              BatchOrder.shuffled(d.trainCount(), 1, e + 1), (done, total, loss) -> {
                for (PrunedLayer l : solver.layers()) {
                  float[] w = l.weight().data();
                  for (int i = 0; i < w.length; i++) {
                    if (l.mask()[i] == 0f && w[i] != 0f) {
                      throw new AssertionError(l.name() + "[" + i + "] = " + w[i] + " though pruned");
                    }
                  }
                }
              });
        }
        for (PrunedLayer l : solver.layers()) {
          assertEquals(l.keep(), l.weight().countNonZero(), l.name() + " after retraining (" + opt + ")");
        }
        for (float[] s : o.state().values()) {
          assertTrue(Arrays.stream(box(s)).allMatch(Float::isFinite));
        }
      }
    }
  }

  @Test
  void residualsDecreaseAsRhoGrows() {
    Model m = TinyNets.tiny("tiny", 9);
    TrainingData d = TinyNets.data(512, 64);
    AdmmSolver solver = new AdmmSolver(layers(m, 0.2));
    Sgd o = new Sgd(m.parameters(), 0.05f, 0.9f, false, 0f);
    Trainer t = new Trainer(m, o, 2, 32);
    t.trainEpoch(d.trainImages(), d.trainLabels(), d.trainCount(), BatchOrder.shuffled(d.trainCount(), 2, 0), null);
    solver.initialize();
    double first = 0;
    double last = 0;
    double rho = 0.05;
    for (int k = 0; k < 8; k++) {
      solver.attachPenalty(o, rho);
      t.trainEpoch(d.trainImages(), d.trainLabels(), d.trainCount(), BatchOrder.shuffled(d.trainCount(), 2, k + 1), null);
      double primal = 0;
      for (LayerResiduals r : solver.zAndUStep(rho)) {
        primal += r.primal() * r.primal();
      }
      if (k == 0) {
        first = Math.sqrt(primal);
      }
      last = Math.sqrt(primal);
      rho *= 1.8;
    }
    assertTrue(last < 0.25 * first, "primal residual " + first + " -> " + last);
  }

  private static int count(float[] a) {
    int n = 0;
    for (float v : a) {
      if (v != 0f) {
        n++;
      }
    }
    return n;
  }

  private static Float[] box(float[] a) {
    Float[] b = new Float[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i];
    }
    return b;
  }

  /**
   * A later stage: Z and the hard-pruned mask stay within the previous support, exactly k weights are kept,
   * even when W and U hold values outside the support (which the projection must ignore) and when W + U is 0
   * at some weights inside it (ties the top-up must fill from the support).
   */
  @Test
  void stageProjectionKeepsExactlyKWithinThePreviousSupport() {
    for (int n : new int[] {7, 100, 1031}) {
      for (HardPruneSupport mode : HardPruneSupport.values()) {
        Parameter p = Parameter.weight("l.weight", LayerKind.LINEAR, 1, n);
        float[] support = new float[n];
        int ones = 0;
        for (int i = 0; i < n; i++) {
          p.data()[i] = (float) random.nextGaussian() * (i % 3 == 0 ? 10 : 1);
          if (random.nextInt(3) != 0 || i == 0) {
            support[i] = 1f;
            ones++;
          }
        }
        // zeros inside the support: a k that needs them forces the top-up
        for (int i = 0; i < n; i++) {
          if (support[i] != 0f && random.nextInt(4) == 0) {
            p.data()[i] = 0f;
          }
        }
        for (int k : new int[] {1, Math.max(1, ones / 3), ones}) {
          PrunedLayer l = new PrunedLayer("l", p, k, support.clone());
          float[] w = p.data().clone();
          AdmmSolver s = new AdmmSolver(List.of(l));
          s.initialize();
          assertWithin(l.z(), support, n + " " + mode + " k " + k + " Z^0");
          // W drifts outside the support (as it would without the optimizer's mask): ignored
          for (int it = 0; it < 3; it++) {
            for (int i = 0; i < n; i++) {
              p.data()[i] += support[i] != 0f && w[i] == 0f ? 0f : 0.1f * (float) random.nextGaussian();
            }
            s.zAndUStep(0.1);
            assertWithin(l.z(), support, n + " " + mode + " k " + k + " Z");
            assertWithin(l.u(), support, n + " " + mode + " k " + k + " U");
            assertTrue(countNonZero(l.z()) <= k);
          }
          s.hardPrune(mode);
          assertWithin(l.mask(), support, n + " " + mode + " k " + k + " mask");
          int kept = 0;
          for (int i = 0; i < n; i++) {
            kept += l.mask()[i] != 0f ? 1 : 0;
            assertTrue(l.mask()[i] != 0f || p.data()[i] == 0f, "W is 0 outside the new mask");
          }
          assertEquals(k, kept, n + " " + mode + " k " + k + ": exactly k kept");
          System.arraycopy(w, 0, p.data(), 0, n);
        }
      }
    }
  }

  @Test
  void aStageKeepingMoreThanItsSupportIsRefused() {
    Parameter p = Parameter.weight("l.weight", LayerKind.LINEAR, 1, 10);
    float[] support = new float[10];
    support[2] = 1f;
    support[5] = 1f;
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new PrunedLayer("l", p, 3, support));
    assertTrue(e.getMessage().contains("keep 3 exceeds the 2 weights of the previous support"), e.getMessage());
  }

  private static void assertWithin(float[] a, float[] support, String what) {
    for (int i = 0; i < a.length; i++) {
      if (support[i] == 0f) {
        assertEquals(0f, a[i], what + ": index " + i + " is outside the previous support");
      }
    }
  }

  private static int countNonZero(float[] a) {
    int n = 0;
    for (float v : a) {
      n += v != 0f ? 1 : 0;
    }
    return n;
  }
}
