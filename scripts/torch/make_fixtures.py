#!/usr/bin/python3
"""Writes fixtures for admm4j's Java side: a small learnable image set in every data layout
check_model.py reads, and PyTorch-trained models saved as safetensors with admm4j's metadata.

usage: /usr/bin/python3 scripts/torch/make_fixtures.py OUTDIR [--seed S] [--epochs E] [--threads T]

OUTDIR/
  npy/{train,test}-images.npy   uint8 (N,3,32,32); {train,test}-labels.npy int64 (N,)
  cifar10/data_batch_1..5.bin   the 512 training images split in 5 (103,103,102,102,102 records);
  cifar10/test_batch.bin        records of 1 label byte + 3072 pixel bytes (CHW); batches.meta.txt
  folder/{train,test}/<class>/NNNNN.png   RGB PNGs, NNNNN the image's index in the npy arrays
  resnet-small/                 specs/resnet_small.json trained a few epochs from scratch:
    model.safetensors           F32 tensors (PyTorch names, no num_batches_tracked) + __metadata__
                                admm4j.spec, admm4j.normalization, format=pt
    expected-predictions.txt    predicted class per test image, npy/cifar10 order, one per line
    expected-predictions-folder.txt   the same in folder: order (classes sorted, then file names)
    expected-logits.npy         float32 (256,10) eval-mode logits, npy order
    spec.json                   the spec as written into the metadata
  all-layers/                   the same for specs/all_layers.json (every layer type and option)
  mnist/                        a second set, 512 + 256 gray 1x28x28 images (the class is the place of a
                                bright blob), MNIST's four IDX files uncompressed (train-images-idx3-ubyte,
                                train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte)
  npy-gray/                     the gray set as npy, (N,28,28) uint8 images, int64 labels
  lenet5/                       specs/lenet5.json trained on the gray set; files as resnet-small/
                                (no folder order); its normalisation has one mean and one std; its
                                metadata also has model=lenet5, the key admm4j's pre-spec reader needs
  README.md                     this text
  manifest.json                 seed, sizes, class names, normalisation, accuracies, torch version

The colour data: 10 classes, each a colour; an image is a dim noisy background with a soft blob of its class's
colour (random centre, radius and brightness) and a smaller blob of a random distractor colour.
Everything follows from the seed (NumPy and torch on the CPU), so a rerun writes the same files.
"""
import argparse
import json
import math
import os
import struct
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import safetensors_io  # noqa: E402
from check_model import folder_files, normalise  # noqa: E402
from spec_module import build_module  # noqa: E402

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
PALETTE = np.array([[230, 40, 40], [40, 200, 40], [50, 80, 230], [230, 220, 40], [220, 40, 220],
                    [40, 220, 220], [240, 140, 30], [140, 60, 220], [240, 240, 240], [120, 120, 40]],
                   np.float32)
N_TRAIN, N_TEST = 512, 256


def make_data(rng, n):
    labels = np.resize(np.arange(10), n)
    rng.shuffle(labels)
    yy, xx = np.mgrid[0:32, 0:32].astype(np.float32)
    images = np.empty((n, 3, 32, 32), np.uint8)
    for i, c in enumerate(labels):
        img = rng.uniform(0, 50, (3, 1, 1)).astype(np.float32) + rng.normal(0, 12, (3, 32, 32)).astype(np.float32)
        for colour, radius, weight in ((PALETTE[c], rng.uniform(4, 8), rng.uniform(0.7, 1.0)),
                                       (PALETTE[rng.integers(10)], rng.uniform(2, 3.5), rng.uniform(0.4, 0.7))):
            cy, cx = rng.uniform(6, 26, 2)
            blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius ** 2)) * weight
            img = img * (1 - blob) + colour.reshape(3, 1, 1) * blob
        images[i] = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return images, labels.astype(np.int64)


def write_png(path, chw):
    """An 8-bit RGB PNG (PIL when present, else zlib by hand: filter 0 on every row)."""
    hwc = np.ascontiguousarray(chw.transpose(1, 2, 0))
    try:
        from PIL import Image
        Image.fromarray(hwc, "RGB").save(path)
        return
    except ImportError:
        pass
    h, w, _ = hwc.shape
    raw = b"".join(b"\x00" + hwc[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data
                + (zlib.crc32(kind + data) & 0xFFFFFFFF).to_bytes(4, "big"))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", w.to_bytes(4, "big") + h.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00")
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def write_layouts(out, xtr, ytr, xte, yte):
    d = os.path.join(out, "npy")
    os.makedirs(d, exist_ok=True)
    for name, a in (("train-images", xtr), ("train-labels", ytr), ("test-images", xte), ("test-labels", yte)):
        np.save(os.path.join(d, name + ".npy"), a)
    d = os.path.join(out, "cifar10")
    os.makedirs(d, exist_ok=True)

    def records(x, y):
        return np.concatenate([y.astype(np.uint8)[:, None], x.reshape(len(x), -1)], axis=1).tobytes()
    for k, idx in enumerate(np.array_split(np.arange(len(xtr)), 5), start=1):
        with open(os.path.join(d, f"data_batch_{k}.bin"), "wb") as f:
            f.write(records(xtr[idx], ytr[idx]))
    with open(os.path.join(d, "test_batch.bin"), "wb") as f:
        f.write(records(xte, yte))
    with open(os.path.join(d, "batches.meta.txt"), "w") as f:
        f.write("\n".join(CLASSES) + "\n")
    for split, x, y in (("train", xtr, ytr), ("test", xte, yte)):
        for c in CLASSES:
            os.makedirs(os.path.join(out, "folder", split, c), exist_ok=True)
        for i in range(len(x)):
            write_png(os.path.join(out, "folder", split, CLASSES[y[i]], f"{i:05d}.png"), x[i])


def make_gray_data(rng, n):
    """1x28x28 images for LeNet-5 (colour does not survive in gray): the class is where a bright blob
    sits, one of a 5x2 grid of places, jittered by up to 2 pixels; plus a dimmer distractor blob."""
    labels = np.resize(np.arange(10), n)
    rng.shuffle(labels)
    yy, xx = np.mgrid[0:28, 0:28].astype(np.float32)
    images = np.empty((n, 28, 28), np.uint8)
    for i, c in enumerate(labels):
        img = rng.uniform(0, 40) + rng.normal(0, 12, (28, 28)).astype(np.float32)
        centres = ((6 + 4 * (c % 5) + rng.uniform(-2, 2), 9 + 10 * (c // 5) + rng.uniform(-2, 2)),
                   tuple(rng.uniform(4, 24, 2)))
        for (cx, cy), radius, level in zip(centres, (rng.uniform(2.5, 3.5), rng.uniform(1.5, 2.5)),
                                           (rng.uniform(200, 255), rng.uniform(90, 140))):
            blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius ** 2))
            img = img * (1 - blob) + level * blob
        images[i] = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return images, labels.astype(np.int64)


def write_gray_layouts(out, xtr, ytr, xte, yte):
    """mnist/: the four IDX files, uncompressed, as MNIST's; npy-gray/: (N,28,28) uint8 and int64 labels."""
    d = os.path.join(out, "mnist")
    os.makedirs(d, exist_ok=True)
    for prefix, x, y in (("train", xtr, ytr), ("t10k", xte, yte)):
        with open(os.path.join(d, f"{prefix}-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 2051, *x.shape) + x.tobytes())
        with open(os.path.join(d, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 2049, len(y)) + y.astype(np.uint8).tobytes())
    d = os.path.join(out, "npy-gray")
    os.makedirs(d, exist_ok=True)
    for name, a in (("train-images", xtr), ("train-labels", ytr), ("test-images", xte), ("test-labels", yte)):
        np.save(os.path.join(d, name + ".npy"), a)


def train(spec, xtr, ytr, mean, std, seed, epochs, lr=0.05):
    torch.manual_seed(seed)
    net = build_module(spec)
    x = torch.from_numpy(normalise(xtr, mean, std))
    y = torch.from_numpy(ytr)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
    steps, batch = 0, 32
    for ep in range(epochs):
        for g in opt.param_groups:
            g["lr"] = lr * 0.5 * (1 + math.cos(math.pi * ep / epochs))
        net.train()
        perm = torch.randperm(len(y))
        for i in range(0, len(y), batch):
            j = perm[i:i + batch]
            opt.zero_grad()
            F.cross_entropy(net(x[j]), y[j]).backward()
            opt.step()
            steps += 1
    net.eval()
    return net, steps


def save_model(d, spec, net, mean, std, xte, yte, folder_order, extra_metadata=None):
    os.makedirs(d, exist_ok=True)
    tensors = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()
               if not k.endswith("num_batches_tracked")}
    metadata = {"admm4j.spec": json.dumps(spec),
                "admm4j.normalization": json.dumps({"mean": mean.tolist(), "std": std.tolist()}),
                "format": "pt", **(extra_metadata or {})}
    safetensors_io.write(os.path.join(d, "model.safetensors"), tensors, metadata)
    with open(os.path.join(d, "spec.json"), "w") as f:
        json.dump(spec, f, indent=1)
        f.write("\n")
    x = torch.from_numpy(normalise(xte, mean, std))
    with torch.no_grad():
        logits = net(x).numpy()
    pred = logits.argmax(1)
    np.save(os.path.join(d, "expected-logits.npy"), logits.astype(np.float32))
    with open(os.path.join(d, "expected-predictions.txt"), "w") as f:
        f.write("".join(f"{p}\n" for p in pred))
    if folder_order is not None:
        with open(os.path.join(d, "expected-predictions-folder.txt"), "w") as f:
            f.write("".join(f"{pred[i]}\n" for i in folder_order))
    top2 = np.sort(logits, axis=1)[:, -2:]
    return {"accuracy": float(100.0 * (pred == yte).mean()), "tensors": len(tensors),
            "parameters": int(sum(t.size for t in tensors.values())),
            "min_top2_logit_margin": float((top2[:, 1] - top2[:, 0]).min())}


def main():
    p = argparse.ArgumentParser(description="Write admm4j fixtures (data layouts and PyTorch-trained models).")
    p.add_argument("outdir")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.outdir, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    xtr, ytr = make_data(rng, N_TRAIN)
    xte, yte = make_data(rng, N_TEST)
    write_layouts(a.outdir, xtr, ytr, xte, yte)
    # folder: order, from the files as check_model.py lists them: NNNNN is the npy index
    files, _ = folder_files(os.path.join(a.outdir, "folder"))
    folder_order = [int(os.path.basename(f)[:-4]) for f, _ in files]
    mean = np.round(xtr.astype(np.float64).mean(axis=(0, 2, 3)) / 255, 4)  # float64: 4 decimals in the JSON
    std = np.round((xtr.astype(np.float64) / 255).std(axis=(0, 2, 3)), 4)
    manifest = {"seed": a.seed, "epochs": a.epochs, "torch": torch.__version__, "numpy": np.__version__,
                "classes": CLASSES, "train": N_TRAIN, "test": N_TEST, "input": [3, 32, 32],
                "normalization": {"mean": mean.tolist(), "std": std.tolist()}, "models": {}}
    for name, spec_file in (("resnet-small", "resnet_small.json"), ("all-layers", "all_layers.json")):
        with open(os.path.join(HERE, "specs", spec_file)) as f:
            spec = json.load(f)
        net, steps = train(spec, xtr, ytr, mean, std, a.seed, a.epochs)
        info = save_model(os.path.join(a.outdir, name), spec, net, mean, std, xte, yte, folder_order)
        info.update({"spec": f"scripts/torch/specs/{spec_file}", "sgd_steps": steps})
        manifest["models"][name] = info
        print(f"{name}: {steps} SGD steps, test accuracy {info['accuracy']:.2f}%, "
              f"{info['parameters']} parameters in {info['tensors']} tensors, "
              f"smallest top-2 logit margin {info['min_top2_logit_margin']:.3g}")
    gtr, gytr = make_gray_data(rng, N_TRAIN)
    gte, gyte = make_gray_data(rng, N_TEST)
    write_gray_layouts(a.outdir, gtr, gytr, gte, gyte)
    gmean = np.round(gtr.astype(np.float64).mean() / 255, 4).reshape(1)
    gstd = np.round((gtr.astype(np.float64) / 255).std(), 4).reshape(1)
    manifest["gray_normalization"] = {"mean": gmean.tolist(), "std": gstd.tolist()}
    with open(os.path.join(HERE, "specs", "lenet5.json")) as f:
        spec = json.load(f)
    net, steps = train(spec, gtr[:, None], gytr, gmean, gstd, a.seed, a.epochs, lr=0.02)
    info = save_model(os.path.join(a.outdir, "lenet5"), spec, net, gmean, gstd, gte[:, None], gyte, None,
                      {"model": "lenet5"})  # the key today's admm4j reader (before specs) requires
    info.update({"spec": "scripts/torch/specs/lenet5.json", "sgd_steps": steps, "data": "mnist/, npy-gray/"})
    manifest["models"]["lenet5"] = info
    print(f"lenet5 (gray 28x28): {steps} SGD steps, test accuracy {info['accuracy']:.2f}%, "
          f"smallest top-2 logit margin {info['min_top2_logit_margin']:.3g}")
    with open(os.path.join(a.outdir, "README.md"), "w") as f:
        f.write("# admm4j fixtures\n\nWritten by scripts/torch/make_fixtures.py (seed and versions in "
                "manifest.json).\n\n```\n" + __doc__.strip() + "\n```\n")
    with open(os.path.join(a.outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"fixtures written to {a.outdir}")


if __name__ == "__main__":
    main()
