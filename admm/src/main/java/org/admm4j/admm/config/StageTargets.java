package org.admm4j.admm.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-layer targets of every stage of a plan: stage 1 from the plan's own rules ({@link LayerTargets}),
 * each further stage from its rules over the previous stage's counts, or from a compression that scales
 * stage 1's counts. Supports only shrink: a stage keeping more weights of a layer than the previous one is
 * refused.
 */
public final class StageTargets {

  private StageTargets() {}

  /**
   * The number of weights to keep per pruned layer, per stage (index 0 = stage 1, the plan's own).
   *
   * @param layers the model's conv and linear weight tensors, in model order
   * @throws ConfigException if a rule is bad (as {@link LayerTargets#resolve}), a stage keeps more of a layer
   *     than the stage before, or a compression cannot be reached
   */
  public static List<LinkedHashMap<String, Integer>> resolve(PrunePlan plan, List<LayerTargets.Candidate> layers)
      throws ConfigException {
    if (!plan.stages().isEmpty()) {
      List<LayerRule> all = new ArrayList<>(plan.layers());
      plan.stages().forEach(st -> all.addAll(st.layers()));
      for (LayerRule r : all) {
        if (r.structure().grouped()) {
          // a later stage's support must lie inside the previous one, which a group projection does not honour
          throw new ConfigException("layers." + r.pattern() + ".structure = " + r.structure().setting()
              + ": structured pruning runs in one stage; progressive stages take unstructured targets only");
        }
      }
    }
    List<LinkedHashMap<String, Integer>> out = new ArrayList<>();
    LinkedHashMap<String, Integer> first = LayerTargets.resolve(plan.layers(), layers, plan.model());
    out.add(first);
    long total = 0;
    for (LayerTargets.Candidate c : layers) {
      total += c.weights();
    }
    for (int s = 0; s < plan.stages().size(); s++) {
      Stage stage = plan.stages().get(s);
      LinkedHashMap<String, Integer> previous = out.get(out.size() - 1);
      String name = "stage " + (s + 2);
      LinkedHashMap<String, Integer> own = stage.compression() != 0
          ? scaled(first, layers, total, stage.compression(), name)
          : LayerTargets.resolve(stage.layers(), layers, plan.model());
      LinkedHashMap<String, Integer> next = new LinkedHashMap<>();
      for (LayerTargets.Candidate c : layers) {
        Integer before = previous.get(c.name());
        Integer now = own.get(c.name());
        if (now != null && before != null && now > before) {
          throw new ConfigException(name + " (" + stage.describeTargets() + ") keeps " + now + " weights of "
              + c.name() + ", more than the " + before + " of stage " + (s + 1)
              + ": a stage prunes within the previous stage's support, so its targets may only shrink");
        }
        Integer k = now != null ? now : before;
        if (k != null) {
          next.put(c.name(), k);
        }
      }
      out.add(next);
    }
    return out;
  }

  /**
   * Stage 1's counts times one factor f (each at least 1, at most stage 1's count), the largest f whose
   * non-zeros (the layers dense in stage 1 counted whole) reach {@code compression}.
   */
  private static LinkedHashMap<String, Integer> scaled(Map<String, Integer> first, List<LayerTargets.Candidate> layers,
      long total, double compression, String name) throws ConfigException {
    double budget = total / compression;
    long fixed = 0;
    for (LayerTargets.Candidate c : layers) {
      if (!first.containsKey(c.name())) {
        fixed += c.weights();
      }
    }
    if (first.isEmpty() || fixed + first.size() > budget) {
      throw new ConfigException(name + " (" + String.format(java.util.Locale.ROOT, "%.4gx", compression)
          + ") cannot be reached by scaling stage 1's targets: the layers stage 1 leaves dense hold " + fixed
          + " of the " + total + " weights and every pruned layer keeps at least 1; give the stage's layer targets");
    }
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < 100; i++) {
      double mid = (lo + hi) / 2;
      if (fixed + count(first, mid) <= budget) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    LinkedHashMap<String, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : first.entrySet()) {
      out.put(e.getKey(), scale(e.getValue(), lo));
    }
    return out;
  }

  private static long count(Map<String, Integer> first, double f) {
    long n = 0;
    for (int k : first.values()) {
      n += scale(k, f);
    }
    return n;
  }

  private static int scale(int k, double f) {
    return (int) Math.max(1, Math.min(k, Math.floor(k * f)));
  }
}
