package org.admm4j.admm.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.admm4j.admm.allocation.AllocationMethod;
import org.admm4j.admm.allocation.AllocationTarget;
import org.admm4j.admm.allocation.LayerAllocation;

/**
 * The allocation's target and result at the file boundary: the checkpoint's state (so that a resumed run
 * neither loses its target nor redoes the sensitivity pass) and report.json's {@code allocation}.
 */
final class AllocationJson {

  /** The most held-back images the command line's parser allows ({@code allocation.images}). */
  private static final int MAX_IMAGES = 1 << 24;

  private AllocationJson() {}

  static JsonObject target(AllocationTarget t) {
    JsonObject o = new JsonObject();
    o.addProperty("compression", t.compression());
    o.addProperty("method", t.method().setting());
    o.addProperty("floor", t.floor());
    o.addProperty("images", t.heldBackImages());
    if (t.remeasure()) {
      o.addProperty("remeasure", true);
    }
    return o;
  }

  static AllocationTarget target(StateFields o) {
    return new AllocationTarget(o.number("compression"), AllocationMethod.parse(o.string("method")),
        o.number("floor"), o.integer("images", 1, MAX_IMAGES), o.has("remeasure") && o.bool("remeasure"));
  }

  /**
   * report.json's {@code allocation}: the target, the price per kept weight found, and per layer its choice
   * and evidence; a progressive run's is stage 1's in full, and under {@code stages} each further stage's
   * choice (its evidence is stage 1's curves, not repeated).
   */
  static JsonObject of(LayerAllocation first, List<LayerAllocation> later) {
    JsonObject o = of(first, true);
    if (!later.isEmpty()) {
      JsonArray stages = new JsonArray();
      for (LayerAllocation a : later) {
        // a re-measured stage has evidence of its own; the others' is stage 1's, not repeated
        stages.add(of(a, a.target().remeasure()));
      }
      o.add("stages", stages);
    }
    return o;
  }

  /** The stages written by {@link #of(LayerAllocation, List)}, stage 2 first (empty when there are none). */
  static List<LayerAllocation> stages(StateFields o) {
    List<LayerAllocation> out = new ArrayList<>();
    if (o.has("stages")) {
      for (StateFields st : o.objects("stages")) {
        out.add(allocation(st, target(st)));
      }
    }
    return out;
  }

  private static JsonObject of(LayerAllocation a, boolean evidence) {
    JsonObject o = target(a.target());
    o.addProperty("achieved_compression", a.compression());
    if (!Double.isNaN(a.baselineAccuracy())) {
      o.addProperty("held_back_images", a.images());
      o.addProperty("held_back_accuracy", a.baselineAccuracy());
      o.addProperty("price", a.price());
    }
    JsonArray layers = new JsonArray();
    for (LayerAllocation.Layer l : a.layers()) {
      JsonObject x = new JsonObject();
      x.addProperty("name", l.name());
      x.addProperty("weights", l.weights());
      x.addProperty("kept", l.kept());
      x.addProperty("keep_fraction", l.keepFraction());
      x.addProperty("magnitude_kept", l.magnitudeKept());
      if (evidence && !l.sensitivity().isEmpty()) {
        JsonArray curve = new JsonArray();
        for (LayerAllocation.Point p : l.sensitivity()) {
          JsonObject q = new JsonObject();
          q.addProperty("keep", p.keep());
          q.addProperty("accuracy", p.accuracy());
          curve.add(q);
        }
        x.add("sensitivity", curve);
      }
      layers.add(x);
    }
    o.add("layers", layers);
    return o;
  }

  static LayerAllocation allocation(StateFields o, AllocationTarget target) {
    List<LayerAllocation.Layer> layers = new ArrayList<>();
    for (StateFields x : o.objects("layers")) {
      List<LayerAllocation.Point> curve = new ArrayList<>();
      if (x.has("sensitivity")) {
        for (StateFields p : x.objects("sensitivity")) {
          curve.add(new LayerAllocation.Point(p.number("keep"), p.number("accuracy")));
        }
      }
      layers.add(new LayerAllocation.Layer(x.string("name"), x.integer("weights", 0, Integer.MAX_VALUE),
          x.integer("kept", 0, Integer.MAX_VALUE), x.integer("magnitude_kept", 0, Integer.MAX_VALUE), curve));
    }
    boolean measured = o.has("held_back_accuracy");
    return new LayerAllocation(target == null ? target(o) : target,
        measured ? o.number("held_back_accuracy") : Double.NaN, measured ? o.number("price") : Double.NaN,
        measured ? o.integer("held_back_images", 0, MAX_IMAGES) : 0, layers);
  }
}
