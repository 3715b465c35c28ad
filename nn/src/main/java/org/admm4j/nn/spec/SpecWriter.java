package org.admm4j.nn.spec;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * Writes a spec in its canonical JSON form: every layer with its name and every value, defaults
 * included, on one line, so a file's spec reads back to an equal {@link ModelSpec}.
 */
public final class SpecWriter {

  private SpecWriter() {}

  public static String write(ModelSpec spec) {
    JsonObject o = new JsonObject();
    o.addProperty("name", spec.name());
    JsonArray input = new JsonArray();
    for (int d : spec.input()) {
      input.add(d);
    }
    o.add("input", input);
    o.addProperty("classes", spec.classes());
    o.add("layers", layers(spec.layers()));
    return o.toString();
  }

  private static JsonArray layers(List<LayerSpec> layers) {
    JsonArray a = new JsonArray();
    for (LayerSpec l : layers) {
      a.add(layer(l));
    }
    return a;
  }

  private static JsonObject layer(LayerSpec l) {
    JsonObject o = new JsonObject();
    o.addProperty("type", l.type());
    o.addProperty("name", l.name());
    if (l instanceof LayerSpec.Conv2d c) {
      o.addProperty("out_channels", c.outChannels());
      o.addProperty("kernel", c.kernel());
      o.addProperty("stride", c.stride());
      o.addProperty("padding", c.padding());
      o.addProperty("bias", c.bias());
    } else if (l instanceof LayerSpec.Linear f) {
      o.addProperty("out_features", f.outFeatures());
      o.addProperty("bias", f.bias());
    } else if (l instanceof LayerSpec.MaxPool p) {
      o.addProperty("kernel", p.kernel());
      o.addProperty("stride", p.stride());
      o.addProperty("padding", p.padding());
    } else if (l instanceof LayerSpec.BatchNorm b) {
      o.addProperty("eps", Double.parseDouble(Float.toString(b.eps())));
      o.addProperty("momentum", Double.parseDouble(Float.toString(b.momentum())));
    } else if (l instanceof LayerSpec.AvgPool p) {
      o.addProperty("kernel", p.kernel());
      o.addProperty("stride", p.stride());
      o.addProperty("padding", p.padding());
    } else if (l instanceof LayerSpec.Dropout d) {
      // the float's shortest decimal form reads back to the same float
      o.addProperty("p", Double.parseDouble(Float.toString(d.p())));
    } else if (l instanceof LayerSpec.Residual r) {
      o.add("body", layers(r.body()));
      o.add("shortcut", layers(r.shortcut()));
    }
    return o;
  }
}
