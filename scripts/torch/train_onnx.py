"""Trains a small BatchNorm ConvNet on Fashion-MNIST with PyTorch, exports it with torch.onnx.export and
writes PyTorch's own test-set predictions, so that admm4j's import can be checked to the image.

  /usr/bin/python3 scripts/torch/train_onnx.py FASHION_DIR OUT_DIR [--epochs E] [--seed S]

FASHION_DIR holds the four IDX files (gzipped as Debian's dataset-fashion-mnist ships them, or not).
Writes OUT_DIR/torch.onnx (opset 13; torch folds each conv's BatchNorm into it, keeps BatchNorm1d),
OUT_DIR/torch_predictions.txt (one class per test image) and prints the test accuracy. Inputs are
normalised as admm4j's Fashion-MNIST default: (p/255 - 0.2860) / 0.3530.
"""
import argparse
import gzip
import os
import struct

import numpy as np
import torch
import torch.nn as nn

MEAN, STD = 0.2860, 0.3530


def idx(path):
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic, n = struct.unpack(">II", raw[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", raw[8:16])
        return np.frombuffer(raw, np.uint8, n * rows * cols, 16).reshape(n, 1, rows, cols)
    return np.frombuffer(raw, np.uint8, n, 8)


def tensor(images):
    return (torch.from_numpy(images.astype(np.float32)) / 255.0 - MEAN) / STD


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.fc1 = nn.Linear(32 * 7 * 7, 128)
        self.bn3 = nn.BatchNorm1d(128)
        self.drop = nn.Dropout(0.2)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = torch.max_pool2d(torch.relu(self.bn2(self.conv2(x))), 2)
        x = torch.flatten(x, 1)
        return self.fc2(self.drop(torch.relu(self.bn3(self.fc1(x)))))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("out")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(2)
    xtr, ytr = tensor(idx(os.path.join(a.data, "train-images-idx3-ubyte"))), torch.from_numpy(
        idx(os.path.join(a.data, "train-labels-idx1-ubyte")).astype(np.int64))
    xte, yte = tensor(idx(os.path.join(a.data, "t10k-images-idx3-ubyte"))), torch.from_numpy(
        idx(os.path.join(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64))
    net = Net()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    for epoch in range(a.epochs):
        net.train()
        order = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 64):
            b = order[i:i + 64]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(xtr[b]), ytr[b])
            loss.backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        pred = torch.cat([net(xte[i:i + 500]).argmax(1) for i in range(0, len(xte), 500)])
    acc = (pred == yte).float().mean().item() * 100
    os.makedirs(a.out, exist_ok=True)
    torch.onnx.export(net, xte[:4], os.path.join(a.out, "torch.onnx"), opset_version=13, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    with open(os.path.join(a.out, "torch_predictions.txt"), "w") as f:
        f.write("".join("%d\n" % int(c) for c in pred))
    print("pytorch test accuracy %.2f%% (%d images), wrote %s" % (acc, len(xte), os.path.join(a.out, "torch.onnx")))


if __name__ == "__main__":
    main()
