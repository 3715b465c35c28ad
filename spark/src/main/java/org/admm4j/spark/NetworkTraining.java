package org.admm4j.spark;

import java.util.List;
import org.admm4j.admm.pipeline.DataFit;
import org.admm4j.admm.pipeline.EpochRunner;
import org.admm4j.admm.pipeline.Optimizers;
import org.admm4j.admm.pipeline.RunListener;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.optim.Optimizer;
import org.admm4j.nn.train.EpochStats;
import org.admm4j.nn.train.Trainer;

/**
 * The network's local step on one partition, with the pipeline's own pieces: the model from the factory,
 * the optimizer a schedule names ({@link Optimizers}), the {@link Trainer} and {@link EpochRunner} (data
 * order from (seed, epoch index)), the ADMM penalty fused into the optimizer ({@code setPenalty}) and the
 * retraining masks ({@code setMask}). Two uses:
 * <ul>
 *   <li>{@link #wStep}: the ADMM W-step, {@code schedule.epochs} passes on f_k(W) + ρ/2 ‖W − Z + U_k‖²;</li>
 *   <li>{@link #averaging}: one round from the mean tensors (dense pre-training, masked retraining).</li>
 * </ul>
 * With one partition each is the local run's step, bit for bit.
 */
public final class NetworkTraining implements LocalSolver<Shard> {

  private static final long serialVersionUID = 1L;

  private final TaskSettings task;
  private final TaskSettings.Schedule schedule;
  private final ModelLayout layout;
  private final boolean admm;
  private final int totalEpochs;
  private final int epochOffset;
  private final ModelLayout masked;
  private final float[][] masks;
  private final int roundsPerEpoch;

  private NetworkTraining(TaskSettings task, TaskSettings.Schedule schedule, ModelLayout layout, boolean admm,
      int totalEpochs, int epochOffset, ModelLayout masked, float[][] masks, int roundsPerEpoch) {
    this.roundsPerEpoch = roundsPerEpoch;
    this.task = task;
    this.schedule = schedule;
    this.layout = layout;
    this.admm = admm;
    this.totalEpochs = totalEpochs;
    this.epochOffset = epochOffset;
    this.masked = masked;
    this.masks = masks;
  }

  /**
   * The W-step of ADMM iteration k: passes {@code k·E .. k·E + E − 1} over the shard of the phase's
   * {@code totalEpochs} (learning rate by that index), data order by {@code epochOffset} plus it; E is
   * {@code schedule.epochs}, the plan's W-step epochs times {@link TaskSettings#passes} ({@link
   * TaskSettings.Schedule#times}).
   */
  public static NetworkTraining wStep(TaskSettings task, TaskSettings.Schedule schedule, ModelLayout layout,
      int totalEpochs, int epochOffset) {
    return new NetworkTraining(task, schedule, layout, true, totalEpochs, epochOffset, null, null, 1);
  }

  /**
   * One round of parameter averaging ({@code layout}: every tensor free). An epoch is
   * {@link TaskSettings#passes} passes over the shard, the learning rate by the pass's index among the phase's
   * passes, the data order by {@code epochOffset} plus it. A round is one pass, or with
   * {@link TaskSettings#syncBatches} > 0 one slice of that many batches of a pass ({@code roundsPerEpoch} =
   * passes × slices). With {@code masks} (per pruned layer, in {@code masked}'s order) the pruned weights stay
   * exactly 0.
   */
  public static NetworkTraining averaging(TaskSettings task, TaskSettings.Schedule schedule, ModelLayout layout,
      int epochOffset, ModelLayout masked, float[][] masks, int roundsPerEpoch) {
    if ((masked == null) != (masks == null)) {
      throw new IllegalArgumentException("masks need the layout of the pruned weights, and the other way round");
    }
    return new NetworkTraining(task, schedule, layout, false, schedule.epochs(), epochOffset, masked, masks,
        roundsPerEpoch);
  }

  @Override
  public ConsensusState solve(Shard shard, ConsensusState state, float[][] z, float[][] freeMean, double rho,
      int iteration) {
    long t0 = System.nanoTime();
    TaskKernels.use(task.threads());
    Model model = task.models().create(task.model(), task.seed());
    layout.load(model, admm ? state.x() : null, freeMean);
    TrainingSchedule s = schedule.toSchedule();
    Optimizer opt = Optimizers.create(s, model.parameters());
    LocalTraining local = (LocalTraining) state.local();
    if (local != null && local.optimizer() != null) {
      opt.loadState(local.optimizer());
    }
    List<Parameter> blocks = layout.consensusParameters(model);
    if (admm) {
      for (int j = 0; j < blocks.size(); j++) {
        opt.setPenalty(blocks.get(j), (float) rho, z[j], state.u()[j]);
      }
    }
    if (masks != null) {
      List<Parameter> pruned = masked.consensusParameters(model);
      for (int j = 0; j < pruned.size(); j++) {
        opt.setMask(pruned.get(j), masks[j]);
      }
    }
    Trainer trainer = new Trainer(model, opt, task.threads(), task.batch());
    trainer.setSteps(local == null ? 0 : local.steps());
    TrainingData data = shard.data();
    long seed = task.seedOf(shard.partition());
    trainer.setAugmentation(DataFit.augmentation(task.shift(), task.flip(), data, seed));
    int passes = admm ? schedule.epochs() : 1;
    double loss = 0;
    long samples = 0;
    for (int j = 0; j < passes; j++) {
      EpochStats st;
      if (admm) {
        int epoch = iteration * passes + j;
        opt.setLearningRate(s.lrAt(epoch, totalEpochs));
        st = EpochRunner.run(trainer, data, seed, epochOffset + epoch, "", RunListener.SILENT);
      } else {
        // round r: slice r % slices of pass r / slices, the schedule over all the phase's passes
        int slices = roundsPerEpoch / task.passes();
        int pass = iteration / slices, slice = iteration % slices, h = task.syncBatches();
        opt.setLearningRate(s.lrAt(pass, totalEpochs * task.passes()));
        st = slices == 1
            ? EpochRunner.run(trainer, data, seed, epochOffset + pass, "", RunListener.SILENT)
            : EpochRunner.run(trainer, data, seed, epochOffset + pass, slice * h, (slice + 1) * h, "",
                RunListener.SILENT);
      }
      loss += st.meanLoss() * st.samples();
      samples += st.samples();
    }
    float[][] x = admm ? layout.consensus(model) : new float[0][];
    ConsensusState next = new ConsensusState(state.partition(), x, admm ? state.u() : new float[0][],
        layout.free(model), new LocalTraining(opt.state(), trainer.steps()),
        new TaskFigures((System.nanoTime() - t0) / 1e9, 0, samples == 0 ? Double.NaN : loss / samples, samples));
    return next;
  }
}
