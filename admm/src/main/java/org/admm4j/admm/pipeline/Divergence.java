package org.admm4j.admm.pipeline;

import java.nio.file.Path;
import java.util.Locale;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;

/**
 * Stops a run whose training loss or weights are no longer finite (a learning rate or ρ too large), after
 * the epoch that diverged and before the checkpoint that would keep it: the last checkpoint stays the
 * last good one. Resuming would diverge again (the plan is saved with the run), so the message says which
 * setting to lower for a new run. Public for the other runners of a plan (the Spark module's).
 */
public final class Divergence {

  private Divergence() {}

  /**
   * Throws when {@code loss} or a tensor of {@code model} is NaN or infinite.
   *
   * @param where the phase and position, e.g. "dense epoch 3/5"
   * @param remedy what to change, e.g. "lower dense.lr (now 10)"
   * @param checkpoint the run's checkpoint folder, or null for a run without files
   * @param saved whether a checkpoint was written before this epoch (by this run or the one it resumes)
   */
  public static void check(String where, double loss, Model model, String remedy, Path checkpoint, boolean saved)
      throws RunException {
    String what = null;
    if (!Double.isFinite(loss)) {
      what = "the training loss is " + loss;
    } else {
      for (Parameter p : model.tensors()) {
        if (!finite(p.data())) {
          what = "tensor " + p.name() + " holds NaN or infinite values";
          break;
        }
      }
    }
    if (what == null) {
      return;
    }
    String kept = checkpoint == null ? ""
        : saved ? "; the last good checkpoint, from before it, is kept in " + checkpoint
        : "; no checkpoint was written before it";
    throw new RunException(String.format(Locale.ROOT, "the run diverged in %s: %s; %s and start the run again%s",
        where, what, remedy, kept));
  }

  /** The remedy for a diverged training phase: {@code lower dense.lr (now 10.0)}. */
  public static String lower(String setting, float now) {
    return "lower " + setting + " (now " + now + ")";
  }

  /** The remedy for a diverged ADMM iteration: its learning rate or the ρ schedule. */
  public static String lowerAdmm(float lr, double rho) {
    return lower("admm.lr", lr)
        + String.format(Locale.ROOT, " or the rho schedule (rho.initial, rho.max; rho was %.4g)", rho);
  }

  private static boolean finite(float[] a) {
    for (float v : a) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
