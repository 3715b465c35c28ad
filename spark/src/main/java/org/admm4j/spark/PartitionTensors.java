package org.admm4j.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.admm.pipeline.Checkpoint;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.io.Tensor;

/**
 * The partitions' own state in a Spark run's checkpoint tensor file, beside the consensus model the driver
 * holds: per partition k its W_k and U_k per consensus block ({@code partition/k/w/<tensor>},
 * {@code partition/k/u/<tensor>}, during ADMM) and its optimizer's state ({@code partition/k/opt/<key>}); the
 * step counts are in state.json ({@link SparkRunState}). The free tensors a partition holds are not saved: every
 * round and W-step starts them from their mean, which is the driver's model.
 */
final class PartitionTensors {

  static final String PREFIX = "partition/";

  private PartitionTensors() {}

  /** The tensors of {@code states} (one per partition, any order), the consensus blocks named {@code blocks}. */
  static Map<String, Tensor> of(List<ConsensusState> states, List<String> blocks) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (ConsensusState s : states) {
      String p = PREFIX + s.partition() + "/";
      if (s.x().length != blocks.size()) {
        throw new IllegalStateException("partition " + s.partition() + " holds " + s.x().length
            + " consensus blocks, expected " + blocks.size());
      }
      for (int j = 0; j < blocks.size(); j++) {
        out.put(p + "w/" + blocks.get(j), Tensor.of(s.x()[j]));
        out.put(p + "u/" + blocks.get(j), Tensor.of(s.u()[j]));
      }
      LocalTraining local = (LocalTraining) s.local();
      if (local != null && local.optimizer() != null) {
        for (Map.Entry<String, float[]> e : local.optimizer().entrySet()) {
          out.put(p + "opt/" + e.getKey(), Tensor.of(e.getValue()));
        }
      }
    }
    return out;
  }

  /**
   * The partitions' states {@link #of} saved, in partition order, with the trainers' step counts {@code steps};
   * {@code blocks} and {@code sizes} name the consensus blocks and their lengths (none outside ADMM). A partition
   * without optimizer tensors starts a new optimizer, as it did at the start of its phase.
   *
   * @throws IOException naming the file and the tensor that is missing or of the wrong size
   */
  static List<ConsensusState> read(SafeTensorsFile f, long[] steps, List<String> blocks, int[] sizes)
      throws IOException {
    List<ConsensusState> states = new ArrayList<>();
    for (int k = 0; k < steps.length; k++) {
      String p = PREFIX + k + "/";
      float[][] x = new float[blocks.size()][];
      float[][] u = new float[blocks.size()][];
      for (int j = 0; j < blocks.size(); j++) {
        x[j] = new float[sizes[j]];
        u[j] = new float[sizes[j]];
        Checkpoint.copy(f, p + "w/" + blocks.get(j), x[j]);
        Checkpoint.copy(f, p + "u/" + blocks.get(j), u[j]);
      }
      Map<String, float[]> opt = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : f.tensors().entrySet()) {
        if (e.getKey().startsWith(p + "opt/")) {
          opt.put(e.getKey().substring(p.length() + 4), e.getValue().data());
        }
      }
      states.add(new ConsensusState(k, x, u, new float[0][], new LocalTraining(opt.isEmpty() ? null : opt, steps[k]),
          TaskFigures.NONE));
    }
    return states;
  }
}
