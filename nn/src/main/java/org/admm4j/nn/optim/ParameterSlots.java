package org.admm4j.nn.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.admm4j.nn.Parameter;

/** Per-parameter optimizer bookkeeping shared by {@link Sgd} and {@link Adam}: penalty, mask, state. */
final class ParameterSlots {

  /** One trainable parameter with its state arrays, penalty and mask. */
  static final class Slot {
    final Parameter parameter;
    final float[][] state;
    float rho;
    float[] z;
    float[] u;
    float[] mask;

    Slot(Parameter parameter, int stateArrays) {
      this.parameter = parameter;
      state = new float[stateArrays][parameter.size()];
    }
  }

  final Slot[] slots;
  private final List<Parameter> parameters;
  private final String[] stateNames;
  private final Map<Parameter, Slot> byParameter = new IdentityHashMap<>();

  ParameterSlots(List<Parameter> params, String... stateNames) {
    List<Parameter> trainable = new ArrayList<>();
    for (Parameter p : params) {
      if (p.trainable()) {
        trainable.add(p);
      }
    }
    this.parameters = List.copyOf(trainable);
    this.stateNames = stateNames;
    slots = new Slot[trainable.size()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot(trainable.get(i), stateNames.length);
      byParameter.put(trainable.get(i), slots[i]);
    }
  }

  List<Parameter> parameters() {
    return parameters;
  }

  Slot slot(Parameter p) {
    Slot s = byParameter.get(p);
    if (s == null) {
      throw new IllegalArgumentException("parameter " + (p == null ? "null" : p.name())
          + " is not one this optimizer updates");
    }
    return s;
  }

  void setPenalty(Parameter p, float rho, float[] z, float[] u) {
    Slot s = slot(p);
    if (!(rho >= 0f) || Float.isInfinite(rho)) {
      throw new IllegalArgumentException("penalty rho of " + p.name() + " must be finite and ≥ 0, got " + rho);
    }
    checkLength(p, "z", z);
    checkLength(p, "u", u);
    s.rho = rho;
    s.z = z;
    s.u = u;
  }

  void clearPenalty(Parameter p) {
    Slot s = slot(p);
    s.rho = 0f;
    s.z = null;
    s.u = null;
  }

  void setMask(Parameter p, float[] mask) {
    Slot s = slot(p);
    checkLength(p, "mask", mask);
    s.mask = mask;
    float[] w = p.data();
    for (int i = 0; i < w.length; i++) {
      if (mask[i] == 0f) {
        w[i] = 0f;
        for (float[] st : s.state) {
          st[i] = 0f;
        }
      }
    }
  }

  void clearMask(Parameter p) {
    slot(p).mask = null;
  }

  void zeroGrad() {
    for (Slot s : slots) {
      Arrays.fill(s.parameter.grad(), 0f);
    }
  }

  /** State arrays named {@code <parameter>.<stateName>}, copied. */
  Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Slot s : slots) {
      for (int k = 0; k < stateNames.length; k++) {
        out.put(s.parameter.name() + "." + stateNames[k], s.state[k].clone());
      }
    }
    return out;
  }

  /** Checks every key of {@code state} (those in {@code extra} aside) and copies them in. */
  void loadState(Map<String, float[]> state, String kind, String... extra) {
    TreeSet<String> expected = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    for (Slot s : slots) {
      for (int k = 0; k < stateNames.length; k++) {
        String key = s.parameter.name() + "." + stateNames[k];
        expected.add(key);
        float[] v = state.get(key);
        if (v == null) {
          problems.add("missing " + key);
        } else if (v.length != s.parameter.size()) {
          problems.add(key + " has " + v.length + " floats, expected " + s.parameter.size());
        }
      }
    }
    expected.addAll(Arrays.asList(extra));
    for (String key : state.keySet()) {
      if (!expected.contains(key)) {
        problems.add("unknown entry " + key);
      }
    }
    for (String key : extra) {
      if (!state.containsKey(key)) {
        problems.add("missing " + key);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(kind + " state does not fit this optimizer: " + String.join("; ", problems));
    }
    for (Slot s : slots) {
      for (int k = 0; k < stateNames.length; k++) {
        float[] v = state.get(s.parameter.name() + "." + stateNames[k]);
        System.arraycopy(v, 0, s.state[k], 0, v.length);
      }
    }
  }

  private static void checkLength(Parameter p, String what, float[] x) {
    if (x == null) {
      throw new IllegalArgumentException(what + " of " + p.name() + " is null");
    }
    if (x.length != p.size()) {
      throw new IllegalArgumentException(what + " of " + p.name() + " has " + x.length + " floats, expected "
          + p.size());
    }
  }
}
