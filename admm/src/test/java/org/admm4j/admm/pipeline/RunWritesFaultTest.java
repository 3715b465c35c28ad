package org.admm4j.admm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.admm.PrunedLayer;
import org.admm4j.admm.TinyNets;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.compact.CompactModelReader;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.faults.WriteFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's files under injected faults (every open, write, force, move and folder force of the write, one
 * at a time): a checkpoint is always the old one or the new one, whole and loadable, and the final model
 * files and report are each old or new.
 */
class RunWritesFaultTest {

  @TempDir
  Path dir;

  private static RunState state(Phase phase, int next) {
    RunHistory h = new RunHistory("2026-12-02T00:00:00Z", "test");
    h.histogramsBefore = new LinkedHashMap<>();
    return new RunState(phase, 0, next, 10L * next, PruneRunTest.tinyPlan("sgd"), 2,
        new RunState.DataInfo("synthetic", 256, 128, 0, 0), h);
  }

  private static List<PrunedLayer> layers(Model m) {
    List<PrunedLayer> layers = new ArrayList<>();
    for (Parameter p : m.parameters()) {
      if (LayerSummary.isPrunable(p)) {
        PrunedLayer l = new PrunedLayer(LayerSummary.layerName(p), p, p.size() / 2);
        for (int i = 0; i < l.size(); i++) {
          l.z()[i] = i % 3 == 0 ? p.data()[i] : 0f;
          l.u()[i] = 0.001f * i;
        }
        layers.add(l);
      }
    }
    return layers;
  }

  @Test
  void aCheckpointIsTheOldOneOrTheNewOneAndAlwaysLoads() throws Exception {
    Model old = TinyNets.tiny("tiny", 1);
    Model fresh = TinyNets.tiny("tiny", 2);
    int runs = WriteFaults.check(dir,
        folder -> new Checkpoint(folder.resolve("checkpoint")).save(state(Phase.ADMM, 1), old, layers(old), true, null),
        folder -> {
          Checkpoint c = new Checkpoint(folder.resolve("checkpoint"));
          c.readState();
          c.save(state(Phase.ADMM, 2), fresh, layers(fresh), true, null);
        },
        folder -> {
          Checkpoint.Saved s = new Checkpoint(folder.resolve("checkpoint")).read();
          Model expected = s.state().next() == 1 ? old : s.state().next() == 2 ? fresh : null;
          assertTrue(expected != null, "next = " + s.state().next());
          for (Parameter p : expected.tensors()) {
            assertArrayEquals(p.data(), s.tensors().tensors().get("w/" + p.name()).data(), p.name());
          }
        });
    assertTrue(runs >= 12, runs + " faulty runs");
  }

  @Test
  void theFinalModelFilesAndReportAreEachOldOrNew() throws Exception {
    Model old = TinyNets.tiny("tiny", 1);
    Model fresh = TinyNets.tiny("tiny", 2);
    TrainingData data = TinyNets.data(256, 128);
    int runs = WriteFaults.check(dir,
        folder -> RunOutputs.write(folder, summary(old, data), old),
        folder -> RunOutputs.write(folder, summary(fresh, data), fresh),
        folder -> {
          assertEquals(3, WriteFaults.snapshot(folder).size());
          SafeTensors.read(folder.resolve("model.safetensors"));
          CompactModelReader.read(folder.resolve("model.a4jc"));
          JsonFiles.read(folder.resolve("report.json"));
        });
    assertTrue(runs >= 20, runs + " faulty runs");
  }

  private static RunOutputs.Summary summary(Model m, TrainingData data) {
    List<LayerSummary> layers = LayerSummary.of(m);
    Map<String, WeightHistogram> h = new LinkedHashMap<>();
    for (Parameter p : m.parameters()) {
      if (LayerSummary.isPrunable(p)) {
        h.put(LayerSummary.layerName(p), WeightHistogram.of(p.data(), WeightHistogram.BINS, true));
      }
    }
    return new RunOutputs.Summary(state(Phase.RETRAIN, 2), data, layers, 1000, 100, 10.0,
        new PruneResult.Accuracies(90, 80, 89), h, 12.5, new Shrink(m, List.of(), Map.of(), 0));
  }
}
