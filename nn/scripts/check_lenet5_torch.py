#!/usr/bin/env python3
"""Loads an admm4j LeNet-5 checkpoint (model.safetensors) into PyTorch's LeNet-5 and reports its test
accuracy on MNIST, next to the accuracy admm4j recorded, and how many of the pruned weights are exact
zeros. PyTorch is a peer here, never a dependency: run it with Debian's python3 after
`sh ../shared/peers/setup.sh`.

usage: /usr/bin/python3 nn/scripts/check_lenet5_torch.py RUN_DIR [MNIST_DIR]
  RUN_DIR holds model.safetensors (and report.json, whose final_accuracy is compared);
  MNIST_DIR defaults to ~/.cache/admm4j/mnist (the uncompressed IDX files).
exit status: 0 the accuracies agree to 0.01 points, 1 they do not, 2 bad usage or input.
"""
import json, os, struct, sys
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.fc1 = nn.Linear(800, 500)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 2)
        x = F.max_pool2d(self.conv2(x), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: {name} has dtype {entry['dtype']}, expected F32")
        lo, hi = entry["data_offsets"]
        tensors[name] = torch.from_numpy(
            np.frombuffer(data, dtype="<f4", count=(hi - lo) // 4, offset=8 + n + lo).reshape(entry["shape"]).copy())
    return tensors


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    run = sys.argv[1]
    mnist = sys.argv[2] if len(sys.argv) == 3 else os.path.expanduser("~/.cache/admm4j/mnist")
    model = LeNet5()
    state = read_safetensors(os.path.join(run, "model.safetensors"))
    model.load_state_dict(state, strict=True)  # names and shapes must match PyTorch's module exactly
    model.eval()
    images = read_idx(os.path.join(mnist, "t10k-images-idx3-ubyte")).astype(np.float32) / 255.0
    labels = torch.from_numpy(read_idx(os.path.join(mnist, "t10k-labels-idx1-ubyte")).astype(np.int64))
    x = torch.from_numpy((images - 0.1307) / 0.3081).unsqueeze(1)
    with torch.no_grad():
        predicted = model(x).argmax(1)
    accuracy = 100.0 * (predicted == labels).sum().item() / len(labels)
    weights = [t for k, t in state.items() if k.endswith(".weight")]
    total = sum(t.numel() for t in weights)
    nonzero = sum(int((t != 0).sum()) for t in weights)
    print(f"pytorch {torch.__version__}: test accuracy {accuracy:.2f}%, "
          f"{nonzero} of {total} weights non-zero ({total / nonzero:.1f}x)")
    report = os.path.join(run, "report.json")
    if os.path.exists(report):
        with open(report) as f:
            recorded_report = json.load(f)
        recorded = recorded_report.get("final_accuracy", recorded_report.get("test_accuracy"))
        print(f"admm4j recorded {recorded:.2f}%")
        return 0 if abs(recorded - accuracy) < 0.005 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
