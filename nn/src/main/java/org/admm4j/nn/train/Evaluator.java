package org.admm4j.nn.train;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.Model;
import org.admm4j.nn.NnParameters;
import org.admm4j.nn.Workspace;

/**
 * Test accuracy of a model in evaluation mode, the samples split into contiguous slices over a number
 * of shards that run on {@link KernelThreads#pool()}, each with a workspace of its own (made once).
 */
final class Evaluator {

  private final Model model;
  private final Workspace[] shards;

  Evaluator(Model model, int shardCount, int minCapacity) {
    this.model = model;
    shards = new Workspace[shardCount];
    for (int s = 0; s < shardCount; s++) {
      shards[s] = model.newWorkspace(Math.max(minCapacity, NnParameters.EVAL_BATCH / shardCount));
    }
  }

  double accuracy(float[] images, byte[] labels, int count) {
    if (count == 0) {
      return 0;
    }
    int k = shards.length;
    int[] correct = new int[k];
    RecursiveAction[] actions = new RecursiveAction[k];
    for (int s = 0; s < k; s++) {
      final int shard = s;
      final int lo = (int) ((long) s * count / k), hi = (int) ((long) (s + 1) * count / k);
      actions[s] = new RecursiveAction() {
        @Override
        protected void compute() {
          correct[shard] = countCorrect(shards[shard], images, labels, lo, hi);
        }
      };
    }
    if (k == 1) {
      actions[0].invoke();
    } else {
      pool().invoke(new RecursiveAction() {
        @Override
        protected void compute() {
          invokeAll(actions);
        }
      });
    }
    long sum = 0;
    for (int c : correct) {
      sum += c;
    }
    return 100.0 * sum / count;
  }

  private int countCorrect(Workspace ws, float[] images, byte[] labels, int lo, int hi) {
    int size = model.inputSize(), classes = model.classes();
    int correct = 0;
    for (int from = lo; from < hi; from += ws.capacity()) {
      int n = Math.min(ws.capacity(), hi - from);
      System.arraycopy(images, from * size, ws.input(), 0, n * size);
      float[] logits = ws.forward(n, false);
      for (int i = 0; i < n; i++) {
        if (Model.argmax(logits, i * classes, classes) == (labels[from + i] & 0xFF)) {
          correct++;
        }
      }
    }
    return correct;
  }

  private static ForkJoinPool pool() {
    return KernelThreads.pool();
  }
}
