#!/usr/bin/python3
"""Loads an admm4j model file into PyTorch from its own metadata and checks it on a test set.

The network is built from the file's `admm4j.spec` metadata (spec_module.py), its tensors are loaded with
load_state_dict(strict=True) (only BatchNorm's num_batches_tracked may be absent), the pixels are
normalised with `admm4j.normalization` (x = (p/255 - mean[c]) / std[c]), and the model runs in eval mode.
PyTorch is a peer, never a dependency: run with Debian's python3 after `sh ../shared/peers/setup.sh`.

usage: /usr/bin/python3 scripts/torch/check_model.py MODEL.safetensors DATA [--limit N]
           [--predictions FILE] [--json OUT] [--spec SPEC.json] [--mean M,..] [--std S,..]
           [--save-logits OUT.npy] [--batch B] [--threads T]
  DATA: npy:DIR      DIR/test-images.npy (uint8 or float32; (N,H,W) or (N,C,H,W)), DIR/test-labels.npy
        cifar10:DIR  DIR/test_batch.bin: records of 1 label byte + C*H*W pixel bytes, CHW order
        mnist:DIR    DIR/t10k-images-idx3-ubyte[.gz], DIR/t10k-labels-idx1-ubyte[.gz]
        folder:DIR   DIR/test/<class>/*.png; classes sorted by name, files sorted by name within a class
  uint8 pixels are divided by 255, float32 ones taken as they are; then the normalisation applies.
  --predictions FILE: the classes admm4j predicted, in DATA's order (.npy int array, or text: one per
     line); the number of images whose PyTorch class differs is printed.
  --spec / --mean / --std: override (or stand in for) the file's metadata, e.g. for older admm4j files.
exit status: 0 loaded and (with --predictions) no difference; 1 some predictions differ; 2 bad usage or
  input (files, data, metadata); 3 the spec and the file's tensors do not match (strict loading failed).
"""
import argparse
import gzip
import json
import os
import struct
import sys
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from spec_module import AUTO_NAMING, SpecError, build_module, has_unnamed_weighted  # noqa: E402


class InputError(Exception):
    """Bad usage or input: exit 2 with the message."""


class MismatchError(Exception):
    """Spec and tensors disagree: exit 3 with the message."""


# ---------------------------------------------------------------------------------------------- data

def _need(path):
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    return path


def load_npy(d):
    images = np.load(_need(os.path.join(d, "test-images.npy")), allow_pickle=False)
    labels = np.load(_need(os.path.join(d, "test-labels.npy")), allow_pickle=False)
    if images.dtype not in (np.uint8, np.float32):
        raise InputError(f"{d}/test-images.npy: dtype {images.dtype}, expected uint8 or float32")
    if images.ndim == 3:
        images = images[:, None]
    if images.ndim != 4:
        raise InputError(f"{d}/test-images.npy: shape {images.shape}, expected (N,H,W) or (N,C,H,W)")
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise InputError(f"{d}/test-labels.npy: shape {labels.shape} dtype {labels.dtype}, expected 1-D ints")
    return images, labels.astype(np.int64)


def load_cifar10(d, shape):
    path = _need(os.path.join(d, "test_batch.bin"))
    raw = np.fromfile(path, np.uint8)
    c, h, w = shape
    rec = 1 + c * h * w
    if raw.size == 0 or raw.size % rec:
        raise InputError(f"{path}: {raw.size} bytes is not a whole number of {rec}-byte records "
                         f"(1 label + {c}x{h}x{w} pixels, from the spec's input)")
    raw = raw.reshape(-1, rec)
    return raw[:, 1:].reshape(-1, c, h, w), raw[:, 0].astype(np.int64)


def _read_idx(d, name):
    for f in (name, name + ".gz"):
        path = os.path.join(d, f)
        if os.path.isfile(path):
            with (gzip.open if f.endswith(".gz") else open)(path, "rb") as fh:
                b = fh.read()
            if len(b) < 4 or b[0] != 0 or b[1] != 0 or b[2] != 0x08:
                raise InputError(f"{path}: not an unsigned-byte IDX file")
            dims = b[3]
            shape = struct.unpack(">" + "I" * dims, b[4:4 + 4 * dims])
            if len(b) - 4 - 4 * dims != int(np.prod(shape)):
                raise InputError(f"{path}: {len(b)} bytes do not hold the shape {shape}")
            return np.frombuffer(b, np.uint8, offset=4 + 4 * dims).reshape(shape)
    raise InputError(f"no {name}[.gz] in {d}")


def load_mnist(d):
    images = _read_idx(d, "t10k-images-idx3-ubyte")
    labels = _read_idx(d, "t10k-labels-idx1-ubyte")
    if images.ndim == 3:
        images = images[:, None]
    return images, labels.astype(np.int64)


def folder_files(d):
    """[(path, label)] of DIR/test/<class>/*.png: classes sorted by name, files by name within a class."""
    root = os.path.join(d, "test")
    if not os.path.isdir(root):
        raise InputError(f"{root}: no such directory")
    classes = sorted(c for c in os.listdir(root) if os.path.isdir(os.path.join(root, c)))
    if not classes:
        raise InputError(f"{root}: no class directories")
    files = []
    for label, c in enumerate(classes):
        for f in sorted(os.listdir(os.path.join(root, c))):
            if f.lower().endswith(".png"):
                files.append((os.path.join(root, c, f), label))
    return files, classes


def load_folder(d, shape):
    try:
        from PIL import Image
    except ImportError:
        raise InputError("folder: data needs PIL (Debian: apt-get install python3-pil)") from None
    files, _ = folder_files(d)
    c, h, w = shape
    if c not in (1, 3):
        raise InputError(f"folder: data gives 1 or 3 channels, the spec's input has {c}")
    images = np.empty((len(files), c, h, w), np.uint8)
    for i, (path, _) in enumerate(files):
        with Image.open(path) as im:
            if im.size != (w, h):
                raise InputError(f"{path}: {im.size[0]}x{im.size[1]} pixels, the spec's input is {w}x{h}")
            a = np.asarray(im.convert("L" if c == 1 else "RGB"))
        images[i] = a[None] if c == 1 else a.transpose(2, 0, 1)
    return images, np.array([label for _, label in files], np.int64)


def load_data(arg, shape):
    kind, sep, d = arg.partition(":")
    if not sep or kind not in ("npy", "cifar10", "mnist", "folder"):
        raise InputError(f"DATA {arg!r}: expected npy:DIR, cifar10:DIR, mnist:DIR or folder:DIR")
    if not os.path.isdir(d):
        raise InputError(f"{d}: no such directory")
    if kind in ("cifar10", "folder") and len(shape) != 3:
        raise InputError(f"{kind}: data needs a (C,H,W) input, the spec's input is {list(shape)}")
    images, labels = {"npy": lambda: load_npy(d), "cifar10": lambda: load_cifar10(d, shape),
                      "mnist": lambda: load_mnist(d), "folder": lambda: load_folder(d, shape)}[kind]()
    if images.shape[0] != labels.shape[0]:
        raise InputError(f"{arg}: {images.shape[0]} images but {labels.shape[0]} labels")
    if len(shape) == 1 and int(np.prod(images.shape[1:])) == shape[0]:
        return images, labels  # a flat-input spec: run() flattens after the per-channel normalisation
    if tuple(images.shape[1:]) != tuple(shape):
        raise InputError(f"{arg}: images of shape {tuple(images.shape[1:])}, the spec's input is {tuple(shape)}")
    return images, labels


def normalise(images, mean, std):
    x = images.astype(np.float32) / np.float32(255) if images.dtype == np.uint8 else images.astype(np.float32)
    c = x.shape[1]
    mean = np.asarray(mean, np.float32).reshape(-1)
    std = np.asarray(std, np.float32).reshape(-1)
    if mean.size == 1 and c > 1:
        mean = np.repeat(mean, c)
    if std.size == 1 and c > 1:
        std = np.repeat(std, c)
    if mean.size != c or std.size != c:
        raise InputError(f"normalization: {mean.size} means and {std.size} stds for {c} channels")
    if np.any(std <= 0):
        raise InputError(f"normalization: std must be positive, found {std.tolist()}")
    return (x - mean.reshape(1, c, 1, 1)) / std.reshape(1, c, 1, 1)


def load_predictions(path):
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    if path.endswith(".npy"):
        p = np.load(path, allow_pickle=False)
        if p.ndim != 1 or not np.issubdtype(p.dtype, np.integer):
            raise InputError(f"{path}: shape {p.shape} dtype {p.dtype}, expected a 1-D int array")
        return p.astype(np.int64)
    out = []
    with open(path) as f:
        for n, line in enumerate(f, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                out.append(int(line))
            except ValueError:
                raise InputError(f"{path}:{n}: {line!r} is not a class number") from None
    return np.array(out, np.int64)


# --------------------------------------------------------------------------------------------- model

def _meta_json(metadata, key, path):
    v = metadata.get(key)
    if v is None:
        return None
    if isinstance(v, str):
        try:
            return json.loads(v)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}: metadata {key} is not JSON ({e})") from None
    return v


def _key_report(expected, found):
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    shapes = sorted(k for k in set(expected) & set(found) if tuple(expected[k]) != tuple(found[k]))
    lines = []
    if missing:
        lines.append(f"  in the spec's module but not in the file: {', '.join(missing)}")
    if unexpected:
        lines.append(f"  in the file but not in the spec's module: {', '.join(unexpected)}")
    for k in shapes:
        lines.append(f"  {k}: spec gives shape {list(expected[k])}, file has {list(found[k])}")
    return lines


def load_model(path, spec_override=None):
    """(module in eval mode, spec, metadata, naming used); InputError / MismatchError."""
    try:
        tensors, metadata = safetensors_io.read(_need(path))
    except safetensors_io.SafetensorsError as e:
        raise InputError(str(e)) from None
    spec = spec_override if spec_override is not None else _meta_json(metadata, "admm4j.spec", path)
    if spec is None:
        raise InputError(f"{path}: no admm4j.spec in __metadata__ (keys: {sorted(metadata)}); "
                         f"pass --spec SPEC.json for a file written before the spec existed")
    found = {k: v.shape for k, v in tensors.items() if not k.endswith("num_batches_tracked")}
    namings = AUTO_NAMING if has_unnamed_weighted(spec.get("layers") if isinstance(spec, dict) else None) \
        else AUTO_NAMING[:1]
    reports = []
    for naming in namings:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                net = build_module(spec, naming=naming)
        except SpecError as e:
            raise MismatchError(f"{path}: admm4j.spec does not build: {e}") from None
        expected = {k: tuple(v.shape) for k, v in net.state_dict().items()
                    if not k.endswith("num_batches_tracked")}
        lines = _key_report(expected, found)
        if not lines:
            for w in caught:
                print(f"warning: {w.message}", file=sys.stderr)
            if naming != AUTO_NAMING[0]:
                print(f"warning: unnamed layers matched the file only with the '{naming}' auto-naming rule",
                      file=sys.stderr)
            break
        reports.append((naming, lines))
    else:
        msg = [f"{path}: the tensors do not match the spec's module"]
        for naming, lines in reports:
            if len(reports) > 1:
                msg.append(f" with the '{naming}' auto-naming rule for unnamed layers:")
            msg.extend(lines)
        raise MismatchError("\n".join(msg))
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in tensors.items()}
    for k, v in net.state_dict().items():  # absent num_batches_tracked: keep the module's own (unused in eval)
        if k.endswith("num_batches_tracked") and k not in state:
            state[k] = v
    for k, v in list(state.items()):
        if v.dtype != torch.float32 and not k.endswith("num_batches_tracked"):
            print(f"warning: {k} is {v.dtype}; converted to float32", file=sys.stderr)
            state[k] = v.float()
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise MismatchError(f"{path}: load_state_dict(strict=True) failed: {e}") from None
    net.eval()
    return net, spec, metadata, naming


def predict(net, x, batch):
    outs = []
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            outs.append(net(torch.from_numpy(np.ascontiguousarray(x[i:i + batch]))))
    return torch.cat(outs).numpy()


def main(argv=None):
    p = argparse.ArgumentParser(description="Check an admm4j model file in PyTorch.", add_help=True)
    p.add_argument("model")
    p.add_argument("data")
    p.add_argument("--limit", type=int, help="first N test images only")
    p.add_argument("--predictions", help="admm4j's predicted classes (.npy or text, one per line)")
    p.add_argument("--json", help="write the results as JSON here")
    p.add_argument("--spec", help="a spec JSON file instead of the file's admm4j.spec")
    p.add_argument("--mean", help="comma-separated per-channel means instead of the file's normalization")
    p.add_argument("--std", help="comma-separated per-channel stds instead of the file's normalization")
    p.add_argument("--save-logits", help="write PyTorch's logits (float32 .npy) here")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: PyTorch's default)")
    a = p.parse_args(argv)
    try:
        return run(a)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except MismatchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 3


def _floats(s, what):
    try:
        return [float(v) for v in s.split(",")]
    except ValueError:
        raise InputError(f"--{what}: {s!r} is not a comma-separated list of numbers") from None


def run(a):
    if a.threads:
        torch.set_num_threads(a.threads)
    if a.limit is not None and a.limit < 1:
        raise InputError(f"--limit must be positive, found {a.limit}")
    if a.batch < 1:
        raise InputError(f"--batch must be positive, found {a.batch}")
    spec_override = None
    if a.spec:
        try:
            with open(_need(a.spec)) as f:
                spec_override = json.load(f)
        except json.JSONDecodeError as e:
            raise InputError(f"{a.spec}: not JSON ({e})") from None
    net, spec, metadata, naming = load_model(a.model, spec_override)
    norm = _meta_json(metadata, "admm4j.normalization", a.model) or {}
    if not isinstance(norm, dict):
        raise InputError(f"{a.model}: admm4j.normalization must be an object with mean and std")
    mean = _floats(a.mean, "mean") if a.mean else norm.get("mean")
    std = _floats(a.std, "std") if a.std else norm.get("std")
    if mean is None or std is None:
        raise InputError(f"{a.model}: no admm4j.normalization mean/std in __metadata__; pass --mean and --std")
    images, labels = load_data(a.data, tuple(spec["input"]))
    if a.limit is not None:
        images, labels = images[:a.limit], labels[:a.limit]
    n = images.shape[0]
    if n == 0:
        raise InputError(f"{a.data}: no test images")
    x = normalise(images, mean, std)
    logits = predict(net, x.reshape(n, -1) if len(spec["input"]) == 1 else x, a.batch)
    pred = logits.argmax(1)
    correct = int((pred == labels).sum())
    result = {"model": os.path.abspath(a.model), "data": a.data, "images": n, "correct": correct,
              "accuracy": 100.0 * correct / n, "torch": torch.__version__, "auto_naming": naming,
              "normalization": {"mean": list(map(float, mean)), "std": list(map(float, std))},
              "spec_name": spec.get("name")}
    print(f"pytorch {torch.__version__}: {spec.get('name', 'model')} on {a.data}: test accuracy "
          f"{result['accuracy']:.2f}% ({correct}/{n})")
    status = 0
    if a.predictions:
        theirs = load_predictions(a.predictions)
        if a.limit is not None and theirs.size >= n:
            theirs = theirs[:n]
        if theirs.size != n:
            raise InputError(f"{a.predictions}: {theirs.size} predictions for {n} test images")
        diff = np.nonzero(theirs != pred)[0]
        top2 = np.sort(logits, axis=1)[:, -2:]
        result["differences"] = int(diff.size)
        result["first_differences"] = [
            {"index": int(i), "admm4j": int(theirs[i]), "pytorch": int(pred[i]),
             "pytorch_margin": float(top2[i, 1] - top2[i, 0])} for i in diff[:20]]
        print(f"predictions differing from {a.predictions}: {diff.size} of {n}")
        for d in result["first_differences"][:10]:
            print(f"  image {d['index']}: admm4j {d['admm4j']}, pytorch {d['pytorch']} "
                  f"(pytorch's top-2 logit margin {d['pytorch_margin']:.3g})")
        status = 1 if diff.size else 0
    if a.save_logits:
        np.save(a.save_logits, logits.astype(np.float32))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
