package org.admm4j.admm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.admm4j.admm.config.HardPruneSupport;
import org.admm4j.admm.config.LayerStructure;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.optim.Adam;
import org.admm4j.nn.optim.Optimizer;
import org.admm4j.nn.optim.Sgd;
import org.admm4j.nn.surgery.ChannelTensors;
import org.admm4j.datasets.BatchOrder;
import org.admm4j.nn.train.Trainer;
import org.junit.jupiter.api.Test;

/** The Z-step, hard pruning and masked retraining of layers pruned by filters, channels and columns. */
class StructuredAdmmTest {

  static Model network(long seed) {
    return TinyNets.residual("snet", seed);
  }

  static TrainingData data() {
    return TinyNets.data(192, 64);
  }

  /** conv1 4 of 6 filters, conv2 3 of 6 input channels, block1.conv2 7 of 45 columns, fc1 5 of 12 filters. */
  static List<PrunedLayer> layers(Model m) {
    List<PrunedLayer> out = new ArrayList<>();
    out.add(PrunedLayer.structured("conv1", m.parameter("conv1.weight"), LayerStructure.FILTER, 4,
        ChannelTensors.of(m, "conv1")));
    out.add(PrunedLayer.structured("conv2", m.parameter("conv2.weight"), LayerStructure.CHANNEL, 3, List.of()));
    out.add(PrunedLayer.structured("block1.conv2", m.parameter("block1.conv2.weight"), LayerStructure.COLUMN, 7,
        List.of()));
    out.add(PrunedLayer.structured("fc1", m.parameter("fc1.weight"), LayerStructure.FILTER, 5,
        ChannelTensors.of(m, "fc1")));
    return out;
  }

  /** Non-zero groups of a tensor under the layer's structure. */
  static int groups(PrunedLayer l, float[] a) {
    int[] shape = l.weight().shape();
    int out = shape[0], in = shape[1], taps = a.length / (out * in);
    boolean[] live = new boolean[l.structure().groups(shape)];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        for (int t = 0; t < taps; t++) {
          if (a[(o * in + i) * taps + t] != 0f) {
            live[switch (l.structure()) {
              case FILTER -> o;
              case CHANNEL -> i;
              case COLUMN -> i * taps + t;
              case WEIGHT -> throw new AssertionError();
            }] = true;
          }
        }
      }
    }
    int n = 0;
    for (boolean b : live) {
      n += b ? 1 : 0;
    }
    return n;
  }

  @Test
  void zStepProjectsOntoExactlyKGroupsAndUpdatesU() {
    Model m = network(3);
    AdmmSolver solver = new AdmmSolver(layers(m));
    solver.initialize();
    SplittableRandom r = new SplittableRandom(5);
    for (int step = 0; step < 3; step++) {
      List<float[]> w = new ArrayList<>();
      List<float[]> u = new ArrayList<>();
      List<float[]> z = new ArrayList<>();
      for (PrunedLayer l : solver.layers()) {
        assertEquals(l.groups(), groups(l, l.z()), l.name() + ": Z keeps exactly its groups");
        float[] d = l.weight().data();
        for (int i = 0; i < d.length; i++) {
          d[i] += (float) (0.1 * r.nextGaussian()); // a W-step's move
        }
        w.add(d.clone());
        u.add(l.u().clone());
        z.add(l.z().clone());
      }
      List<LayerResiduals> res = solver.zAndUStep(0.5);
      for (int k = 0; k < solver.layers().size(); k++) {
        PrunedLayer l = solver.layers().get(k);
        float[] expected = w.get(k).clone();
        for (int i = 0; i < expected.length; i++) {
          expected[i] += u.get(k)[i];
        }
        StructuredProjection.project(expected, l.weight().shape(),
            StructuredProjection.Structure.valueOf(l.structure().name()), l.groups());
        assertArrayEquals(expected, l.z(), l.name() + ": Z = Π(W + U)");
        assertEquals(l.groups(), groups(l, l.z()));
        double primal = 0;
        double change = 0;
        for (int i = 0; i < expected.length; i++) {
          assertEquals(u.get(k)[i] + w.get(k)[i] - l.z()[i], l.u()[i], 1e-6, l.name() + ": U += W − Z");
          primal += Math.pow(w.get(k)[i] - l.z()[i], 2);
          change += Math.pow(l.z()[i] - z.get(k)[i], 2);
        }
        assertEquals(Math.sqrt(primal), res.get(k).primal(), 1e-4);
        assertEquals(0.5 * Math.sqrt(change), res.get(k).dual(), 1e-4);
      }
    }
  }

  /** Hard pruning keeps whole groups; retraining holds the pruned filters, their bias and BatchNorm at 0. */
  @Test
  void maskedRetrainingHoldsPrunedFiltersWithTheirBiasAndBatchNormAtZero() {
    for (HardPruneSupport support : HardPruneSupport.values()) {
      for (String opt : new String[] {"sgd", "adam"}) {
        Model m = network(7);
        TrainingData d = data();
        AdmmSolver solver = new AdmmSolver(layers(m));
        Optimizer o = opt.equals("sgd") ? new Sgd(m.parameters(), 0.05f, 0.9f, false, 5e-3f)
            : new Adam(m.parameters(), 0.01f, 0.9f, 0.999f, 1e-8f, 5e-3f);
        Trainer t = new Trainer(m, o, 2, 32);
        solver.initialize();
        solver.attachPenalty(o, 0.05);
        t.trainEpoch(d.trainImages(), d.trainLabels(), d.trainCount(), BatchOrder.shuffled(d.trainCount(), 1, 0), null);
        solver.zAndUStep(0.05);
        solver.detachPenalty(o);
        solver.hardPrune(support);
        for (PrunedLayer l : solver.layers()) {
          assertEquals(l.groups(), groups(l, l.mask()), l.name() + ": mask keeps exactly its groups (" + support + ")");
          assertEquals(l.keep(), count(l.mask()));
        }
        checkDead(solver);
        solver.attachMasks(o);
        for (int e = 0; e < 2; e++) {
          t.trainEpoch(d.trainImages(), d.trainLabels(), d.trainCount(),
              BatchOrder.shuffled(d.trainCount(), 1, e + 1), (done, total, loss) -> checkDead(solver));
        }
        checkDead(solver);
        for (PrunedLayer l : solver.layers()) {
          assertEquals(l.groups(), groups(l, l.weight().data()), l.name() + " after retraining (" + opt + ")");
        }
        // the kept filters' bias and BatchNorm still train
        Parameter bn1 = m.parameter("bn1.weight");
        boolean[] kept = solver.layers().get(0).keptFilters();
        for (int c = 0; c < kept.length; c++) {
          assertEquals(kept[c], bn1.data()[c] != 0f, "bn1.weight[" + c + "]");
        }
      }
    }
  }

  private static void checkDead(AdmmSolver solver) {
    for (PrunedLayer l : solver.layers()) {
      float[] w = l.weight().data();
      for (int i = 0; i < w.length; i++) {
        if (l.mask()[i] == 0f && w[i] != 0f) {
          throw new AssertionError(l.name() + "[" + i + "] = " + w[i] + " though pruned");
        }
      }
      boolean[] kept = l.keptFilters();
      for (Parameter c : l.companions()) {
        for (int o = 0; o < kept.length; o++) {
          if (!kept[o] && c.data()[o] != 0f) {
            throw new AssertionError(c.name() + "[" + o + "] = " + c.data()[o] + " though filter " + o + " is pruned");
          }
        }
      }
    }
  }

  @Test
  void companionsAreTheBiasAndTheBatchNormAfterTheLayer() {
    Model m = network(1);
    assertEquals(List.of("conv1.bias", "bn1.weight", "bn1.bias"), names(ChannelTensors.of(m, "conv1")));
    assertEquals(List.of("block1.bn1.weight", "block1.bn1.bias"), names(ChannelTensors.of(m, "block1.conv1")));
    assertEquals(List.of("fc1.bias", "bn3.weight", "bn3.bias"), names(ChannelTensors.of(m, "fc1")));
    assertThrows(IllegalArgumentException.class, () -> ChannelTensors.of(m, "bn1"));
  }

  @Test
  void badGroupCountsAreRefusedNamingTheLayer() {
    Model m = network(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PrunedLayer.structured("conv1", m.parameter("conv1.weight"), LayerStructure.FILTER, 7, List.of()));
    assertTrue(e.getMessage().contains("conv1") && e.getMessage().contains("1..6"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PrunedLayer.structured("conv2",
        m.parameter("conv2.weight"), LayerStructure.CHANNEL, 2, ChannelTensors.of(m, "conv2")));
    assertTrue(e.getMessage().contains("companion"), e.getMessage());
  }

  private static List<String> names(List<Parameter> ps) {
    return ps.stream().map(Parameter::name).toList();
  }

  private static int count(float[] a) {
    int n = 0;
    for (float v : a) {
      n += v != 0f ? 1 : 0;
    }
    return n;
  }
}
