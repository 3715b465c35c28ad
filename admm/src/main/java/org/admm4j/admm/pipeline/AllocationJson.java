package org.admm4j.admm.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
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

  private AllocationJson() {}

  static JsonObject target(AllocationTarget t) {
    JsonObject o = new JsonObject();
    o.addProperty("compression", t.compression());
    o.addProperty("method", t.method().setting());
    o.addProperty("floor", t.floor());
    o.addProperty("images", t.heldBackImages());
    return o;
  }

  static AllocationTarget target(JsonObject o) {
    return new AllocationTarget(o.get("compression").getAsDouble(), AllocationMethod.parse(o.get("method").getAsString()),
        o.get("floor").getAsDouble(), o.get("images").getAsInt());
  }

  /** report.json's {@code allocation}: the target, the price per kept weight found, and per layer its choice and evidence. */
  /**
   * A progressive run's allocation: stage 1's in full, and under {@code stages} each further stage's
   * choice (its evidence is stage 1's curves, not repeated).
   */
  static JsonObject of(LayerAllocation first, List<LayerAllocation> later) {
    JsonObject o = of(first, true);
    if (!later.isEmpty()) {
      JsonArray stages = new JsonArray();
      for (LayerAllocation a : later) {
        stages.add(of(a, false));
      }
      o.add("stages", stages);
    }
    return o;
  }

  /** The stages written by {@link #of(LayerAllocation, List)}, stage 2 first (empty when there are none). */
  static List<LayerAllocation> stages(JsonObject o) {
    List<LayerAllocation> out = new ArrayList<>();
    if (o.has("stages")) {
      for (JsonElement e : o.getAsJsonArray("stages")) {
        out.add(allocation(e.getAsJsonObject(), target(e.getAsJsonObject())));
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

  static LayerAllocation allocation(JsonObject o, AllocationTarget target) {
    List<LayerAllocation.Layer> layers = new ArrayList<>();
    for (JsonElement e : o.getAsJsonArray("layers")) {
      JsonObject x = e.getAsJsonObject();
      List<LayerAllocation.Point> curve = new ArrayList<>();
      if (x.has("sensitivity")) {
        for (JsonElement p : x.getAsJsonArray("sensitivity")) {
          curve.add(new LayerAllocation.Point(p.getAsJsonObject().get("keep").getAsDouble(),
              p.getAsJsonObject().get("accuracy").getAsDouble()));
        }
      }
      layers.add(new LayerAllocation.Layer(x.get("name").getAsString(), x.get("weights").getAsInt(),
          x.get("kept").getAsInt(), x.get("magnitude_kept").getAsInt(), curve));
    }
    boolean measured = o.has("held_back_accuracy");
    return new LayerAllocation(target == null ? target(o) : target,
        measured ? o.get("held_back_accuracy").getAsDouble() : Double.NaN,
        measured ? o.get("price").getAsDouble() : Double.NaN, measured ? o.get("held_back_images").getAsInt() : 0,
        layers);
  }
}
