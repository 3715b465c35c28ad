"""Makes the ONNX test resources of admm4j-onnx with PyTorch (Debian's python3-torch 1.13).

Run from this folder:  /usr/bin/python3 make_onnx.py   (never at test time; the outputs are committed)

Writes, each with the logits PyTorch computes on a few fixed inputs (<name>.logits.json:
{"shape": [N, C, H, W], "input": [...], "logits": [...]}, float32 values):
  lenet5.onnx       Caffe's LeNet-5 as a plain module, opset 13: Conv, MaxPool, Reshape(-1, 800), Gemm,
                    Relu, LogSoftmax at the end (dropped by the importer: the model gives logits)
  resnet_bn.onnx    a residual BatchNorm network built by scripts/torch/spec_module.py from
                    resnet_bn.json, opset 17: torch folds each conv's BatchNorm into the conv (anonymous
                    onnx::Conv_* initializers, named from the node scope), keeps the BatchNorm1d after fc1,
                    identity and 1x1-conv shortcuts (Add), MaxPool, AveragePool, GlobalAveragePool, Flatten
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "..", "..", "..", "scripts", "torch"))
from spec_module import build_module  # noqa: E402


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
        x = x.reshape(-1, 800)
        x = self.fc2(F.relu(self.fc1(x)))
        return F.log_softmax(x, dim=1)


def randomize_batchnorm(net, gen):
    for m in net.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.weight.data = 0.5 + torch.rand(n, generator=gen)
            m.bias.data = torch.randn(n, generator=gen) * 0.1
            m.running_mean.data = torch.randn(n, generator=gen) * 0.1
            m.running_var.data = 0.5 + torch.rand(n, generator=gen)


def export(net, name, shape, opset, logits_fn, gen):
    net.eval()
    x = torch.randn(4, *shape, generator=gen)
    path = os.path.join(HERE, name + ".onnx")
    torch.onnx.export(net, x, path, opset_version=opset, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    with torch.no_grad():
        y = logits_fn(x)
    with open(os.path.join(HERE, name + ".logits.json"), "w") as f:
        json.dump({"shape": [4, *shape], "input": [float(v) for v in x.flatten()],
                   "logits": [float(v) for v in y.flatten()]}, f)
    print(path, tuple(y.shape))


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    lenet = LeNet5()
    # LogSoftmax is dropped on import: compare with the logits before it.
    export(lenet, "lenet5", (1, 28, 28), 13,
           lambda x: lenet.fc2(F.relu(lenet.fc1(F.max_pool2d(lenet.conv2(F.max_pool2d(lenet.conv1(x), 2)), 2)
                                                 .reshape(-1, 800)))), gen)
    with open(os.path.join(HERE, "resnet_bn.json")) as f:
        spec = json.load(f)
    resnet = build_module(spec)
    randomize_batchnorm(resnet, gen)
    export(resnet, "resnet_bn", tuple(spec["input"]), 17, lambda x: resnet(x), gen)


if __name__ == "__main__":
    main()
