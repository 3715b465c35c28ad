"""Builds a PyTorch nn.Module from an admm4j architecture spec (the JSON contract of the framework issue).

The module's state_dict() keys are the tensor names admm4j writes: a layer's `name` is its attribute,
a residual block is a sub-module holding its body and shortcut layers side by side (one namespace), so
`block1.conv1.weight` and `block1.down_bn.running_var`, never `layers.0.weight`. Parameter-free layers
(relu, pools, flatten, dropout) are plain functions and add no keys.

    spec = json.load(open("specs/resnet_small.json"))
    net = build_module(spec)          # SpecError with the offending layer's path on a bad spec
    net.eval(); logits = net(x)       # x: (N, *spec["input"]) float32

Shapes are followed through the spec (conv/pool arithmetic as PyTorch's, floor mode), so in_channels /
in_features come from the spec's input, then one dummy forward confirms them. Defaults are PyTorch's:
stride 1, padding 0, bias true, pool stride = kernel, dropout p 0.5, batchnorm eps 1e-5, momentum 0.1.

Layers with weights and no `name` get a provisional auto name; the Java side defines the real rule, so
callers must compare the keys against a file's (check_model.py does) and never trust auto names.
Two rules are offered: "position" (`<type><1-based position in its own list>`, the brief's guess) and
"type-count" (`<type><1-based count of that type in its own list>`).
"""
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

WEIGHTED = ("conv2d", "batchnorm", "linear")
KNOWN_KEYS = {
    "conv2d": {"out_channels", "kernel", "stride", "padding", "bias", "in_channels"},
    "batchnorm": {"eps", "momentum", "num_features"},
    "linear": {"out_features", "bias", "in_features"},
    "relu": set(),
    "maxpool": {"kernel", "stride", "padding"},
    "avgpool": {"kernel", "stride", "padding"},
    "global_avgpool": set(),
    "flatten": set(),
    "dropout": {"p"},
    "residual": {"body", "shortcut"},
}
SPEC_KEYS = {"name", "input", "classes", "layers"}
AUTO_NAMING = ("position", "type-count")


class SpecError(ValueError):
    """A spec that cannot be built; the message names the layer (path) and the field."""


def _pair(value, where, field, minimum):
    """An int or a 2-list of ints, as PyTorch's (h, w) pair."""
    if isinstance(value, bool):
        raise SpecError(f"{where}: '{field}' must be an int or [h, w], found {value!r}")
    if isinstance(value, int):
        value = [value, value]
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise SpecError(f"{where}: '{field}' must be an int or [h, w], found {value!r}")
    if min(value) < minimum:
        raise SpecError(f"{where}: '{field}' must be >= {minimum}, found {value!r}")
    return tuple(value)


def _kernel(layer, where):
    if "kernel" not in layer:
        raise SpecError(f"{where}: missing 'kernel'")
    return _pair(layer["kernel"], where, "kernel", 1)


def _int(layer, field, where, minimum=1):
    if field not in layer:
        raise SpecError(f"{where}: missing '{field}'")
    v = layer[field]
    if not isinstance(v, int) or isinstance(v, bool) or v < minimum:
        raise SpecError(f"{where}: '{field}' must be an int >= {minimum}, found {v!r}")
    return v


def _bool(layer, field, where, default):
    v = layer.get(field, default)
    if not isinstance(v, bool):
        raise SpecError(f"{where}: '{field}' must be true or false, found {v!r}")
    return v


def _number(layer, field, where, default, lo, hi):
    v = layer.get(field, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
        raise SpecError(f"{where}: '{field}' must be a number in [{lo}, {hi}], found {v!r}")
    return float(v)


def _out_size(size, k, s, p, where):
    out = (size + 2 * p - k) // s + 1
    if out < 1:
        raise SpecError(f"{where}: kernel {k} stride {s} padding {p} leaves no output from size {size}")
    return out


def _spatial(shape, where, what):
    if len(shape) != 3:
        raise SpecError(f"{where}: {what} needs (C, H, W) input, found features of shape {tuple(shape)}")


def _check_declared(layer, field, inferred, where):
    """Extra keys the Java side may write (in_channels, in_features, num_features) must agree."""
    if field in layer and layer[field] != inferred:
        raise SpecError(f"{where}: '{field}' is {layer[field]!r} but the shapes give {inferred}")


class _Block(nn.Module):
    """One list of layers: weighted ones registered under their names, the rest kept as functions."""

    def _register(self, name, module, where):
        if name in self._modules:
            raise SpecError(f"{where}: name '{name}' is used twice in the same block")
        if not isinstance(name, str) or not name or "." in name or not name.isidentifier():
            raise SpecError(f"{where}: name {name!r} must be an identifier without '.'")
        self.add_module(name, module)

    def _run(self, ops, x):
        for name, fn in ops:
            x = getattr(self, name)(x) if name is not None else fn(x, self.training)
        return x

    def _build(self, layers, shape, path, naming):
        """Appends `layers` to a fresh op list and returns (ops, output shape)."""
        if not isinstance(layers, list):
            raise SpecError(f"{path}: layers must be a list, found {type(layers).__name__}")
        ops, counts = [], {}
        for i, layer in enumerate(layers, start=1):
            where = f"{path}[{i}]"
            if not isinstance(layer, dict) or "type" not in layer:
                raise SpecError(f"{where}: a layer must be an object with a 'type'")
            t = layer["type"]
            if t not in KNOWN_KEYS:
                raise SpecError(f"{where}: unknown layer type {t!r} (known: {', '.join(KNOWN_KEYS)})")
            counts[t] = counts.get(t, 0) + 1
            where = f"{where} {t}" + (f" '{layer['name']}'" if "name" in layer else "")
            unknown = set(layer) - KNOWN_KEYS[t] - {"type", "name"}
            if unknown:
                warnings.warn(f"{where}: ignoring unknown keys {sorted(unknown)}", stacklevel=2)
            name = layer.get("name")
            if name is None and (t in WEIGHTED or t == "residual"):
                name = f"{t}{i if naming == 'position' else counts[t]}"
            op, shape = self._layer(t, layer, name, shape, where, naming)
            ops.append(op)
        return ops, shape

    def _layer(self, t, L, name, shape, where, naming):
        if t == "conv2d":
            _spatial(shape, where, "conv2d")
            out = _int(L, "out_channels", where)
            k = _kernel(L, where)
            s = _pair(L.get("stride", 1), where, "stride", 1)
            p = _pair(L.get("padding", 0), where, "padding", 0)
            _check_declared(L, "in_channels", shape[0], where)
            self._register(name, nn.Conv2d(shape[0], out, k, s, p, bias=_bool(L, "bias", where, True)), where)
            return (name, None), (out, _out_size(shape[1], k[0], s[0], p[0], where),
                                  _out_size(shape[2], k[1], s[1], p[1], where))
        if t == "batchnorm":
            eps = _number(L, "eps", where, 1e-5, 0.0, 1.0)
            momentum = _number(L, "momentum", where, 0.1, 0.0, 1.0)
            _check_declared(L, "num_features", shape[0], where)
            cls = nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d
            self._register(name, cls(shape[0], eps=eps, momentum=momentum), where)
            return (name, None), shape
        if t == "linear":
            if len(shape) != 1:
                raise SpecError(f"{where}: linear needs 1-D features but gets shape {tuple(shape)}; "
                                f"put a flatten (or global_avgpool + flatten) before it")
            out = _int(L, "out_features", where)
            _check_declared(L, "in_features", shape[0], where)
            self._register(name, nn.Linear(shape[0], out, bias=_bool(L, "bias", where, True)), where)
            return (name, None), (out,)
        if t == "relu":
            return (None, lambda x, training: F.relu(x)), shape
        if t in ("maxpool", "avgpool"):
            _spatial(shape, where, t)
            k = _kernel(L, where)
            s = _pair(L.get("stride", list(k)), where, "stride", 1)
            p = _pair(L.get("padding", 0), where, "padding", 0)
            if p[0] * 2 > k[0] or p[1] * 2 > k[1]:
                raise SpecError(f"{where}: padding {p} must be at most half the kernel {k} (PyTorch's rule)")
            f = F.max_pool2d if t == "maxpool" else F.avg_pool2d
            return (None, lambda x, training: f(x, k, s, p)), (
                shape[0], _out_size(shape[1], k[0], s[0], p[0], where), _out_size(shape[2], k[1], s[1], p[1], where))
        if t == "global_avgpool":
            _spatial(shape, where, "global_avgpool")
            return (None, lambda x, training: F.adaptive_avg_pool2d(x, 1)), (shape[0], 1, 1)
        if t == "flatten":
            n = 1
            for d in shape:
                n *= d
            return (None, lambda x, training: x.flatten(1)), (n,)
        if t == "dropout":
            p = _number(L, "p", where, 0.5, 0.0, 1.0)
            return (None, lambda x, training: F.dropout(x, p, training)), shape
        if t == "residual":
            block = Residual()
            self._register(name, block, where)
            block.body, out_body = block._build(L.get("body") or [], shape, f"{where}.body", naming)
            block.shortcut, out_sc = block._build(L.get("shortcut") or [], shape, f"{where}.shortcut", naming)
            if tuple(out_body) != tuple(out_sc):
                raise SpecError(f"{where}: body gives shape {tuple(out_body)} but the shortcut gives "
                                f"{tuple(out_sc)} (no shortcut = identity); they are added")
            return (name, None), out_body
        raise AssertionError(t)


class Residual(_Block):
    """body(x) + shortcut(x); an empty shortcut is the identity."""

    def forward(self, x):
        return self._run(self.body, x) + self._run(self.shortcut, x)


class SpecNet(_Block):
    """The spec's top-level layer list; `spec`, `input_shape` and `output_shape` kept for callers."""

    def forward(self, x):
        return self._run(self.top, x)


def build_module(spec, naming="position"):
    """The nn.Module for `spec` (a dict); SpecError on anything that does not build."""
    if naming not in AUTO_NAMING:
        raise ValueError(f"naming must be one of {AUTO_NAMING}")
    if not isinstance(spec, dict):
        raise SpecError(f"spec: must be a JSON object, found {type(spec).__name__}")
    unknown = set(spec) - SPEC_KEYS
    if unknown:
        warnings.warn(f"spec: ignoring unknown keys {sorted(unknown)}", stacklevel=2)
    shape = spec.get("input")
    if (not isinstance(shape, list) or len(shape) not in (1, 3)
            or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in shape)):
        raise SpecError(f"spec: 'input' must be [C, H, W] (or [features]) of positive ints, found {shape!r}")
    if "layers" not in spec:
        raise SpecError("spec: missing 'layers'")
    net = SpecNet()
    net.spec, net.input_shape = spec, tuple(shape)
    net.top, out = net._build(spec["layers"], tuple(shape), "layers", naming)
    classes = spec.get("classes")
    if classes is not None and tuple(out) != (classes,):
        raise SpecError(f"spec: the layers end in shape {tuple(out)} but 'classes' is {classes}")
    net.output_shape = tuple(out)
    was_training = net.training
    net.eval()
    with torch.no_grad():  # the dummy forward: the shape arithmetic above must be PyTorch's
        y = net(torch.zeros(2, *shape))
    net.train(was_training)
    if tuple(y.shape[1:]) != tuple(out):
        raise SpecError(f"spec: PyTorch's forward gives {tuple(y.shape[1:])}, the shape rules {tuple(out)}")
    return net


def has_unnamed_weighted(layers):
    """Whether any weighted layer or residual block (at any depth) relies on an auto name."""
    for L in layers or []:
        if isinstance(L, dict):
            if L.get("type") in WEIGHTED + ("residual",) and "name" not in L:
                return True
            if L.get("type") == "residual" and (has_unnamed_weighted(L.get("body"))
                                                 or has_unnamed_weighted(L.get("shortcut"))):
                return True
    return False
