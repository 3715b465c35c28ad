#!/usr/bin/env python3
"""Cross-check of the LeNet-5 checkpoint layout against PyTorch's semantics, with NumPy only.

Reads DIR/model.safetensors and DIR/sample.safetensors (written by
`java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.admm4j.bench.ExportLenetSample DIR`), parses the safetensors format independently (struct + json),
runs PyTorch's LeNet-5 forward (Conv2d = cross-correlation with weight [out, in, kh, kw], MaxPool2d(2),
torch.flatten(x, 1) in C,H,W order, Linear y = x W^T + b) and compares with the Java logits.
Exit status 0 when they agree to 1e-4.
"""
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", (name, info["dtype"])
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(data[base + b:base + e], dtype="<f4").reshape(info["shape"])
    return out


def conv2d(x, w, b):
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    oh, ow = h - k + 1, wd - k + 1
    y = np.zeros((n, o, oh, ow), dtype=np.float64)
    for p in range(k):
        for q in range(k):
            # y[n,o,i,j] += sum_c x[n,c,i+p,j+q] * w[o,c,p,q]
            y += np.einsum("ncij,oc->noij", x[:, :, p:p + oh, q:q + ow], w[:, :, p, q])
    return y + b[None, :, None, None]


def maxpool2(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def main(directory):
    m = {k: v.astype(np.float64) for k, v in read_safetensors(directory + "/model.safetensors").items()}
    s = read_safetensors(directory + "/sample.safetensors")
    x = s["input"].astype(np.float64)
    y = maxpool2(conv2d(x, m["conv1.weight"], m["conv1.bias"]))
    y = maxpool2(conv2d(y, m["conv2.weight"], m["conv2.bias"]))
    y = y.reshape(y.shape[0], -1)
    y = np.maximum(y @ m["fc1.weight"].T + m["fc1.bias"], 0)
    y = y @ m["fc2.weight"].T + m["fc2.bias"]
    diff = np.abs(y - s["logits"]).max()
    print("max |numpy - java| logits difference: %.3g" % diff)
    return 0 if diff < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
