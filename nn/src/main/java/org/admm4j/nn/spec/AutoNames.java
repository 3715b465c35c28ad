package org.admm4j.nn.spec;

import java.util.HashMap;
import java.util.Map;

/**
 * Names for layers a spec leaves unnamed: {@code <type><n>}, n counting that type from 1 within one
 * list (a residual block's body and shortcut share one counter, so their names never clash).
 */
final class AutoNames {

  private final Map<String, Integer> counters = new HashMap<>();

  /** Counts one more layer of {@code type} and returns its default name. */
  String next(String type) {
    return type + counters.merge(type, 1, Integer::sum);
  }
}
