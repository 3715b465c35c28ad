#!/usr/bin/python3
"""Tests of spec_module.py, safetensors_io.py and check_model.py (PyTorch only, no Java, no fixtures).

usage: /usr/bin/python3 scripts/torch/selftest.py [-v]

- LeNet-5: specs/lenet5.json gives exactly the keys and shapes of nn/scripts/check_lenet5_torch.py's
  LeNet5, and the same logits once that module's weights are loaded.
- resnet-small: specs/resnet_small.json gives the keys of the framework contract and the logits of a
  hand-written ResNet (explicit forward: relu placement, body + shortcut, identity shortcut).
- check_model.py end to end on a temporary model and data in every layout: exit 0 on its own
  predictions, 1 with one prediction changed, 3 on a renamed / missing / extra / reshaped tensor, 2 on
  missing metadata or data; spec errors name the layer; unknown keys warn; eps and momentum are used.
"""
import contextlib
import gzip
import importlib.util
import io
import json
import os
import struct
import sys
import tempfile
import unittest
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_model  # noqa: E402
import safetensors_io  # noqa: E402
from make_fixtures import make_data, train  # noqa: E402
from spec_module import SpecError, build_module  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))


def spec_file(name):
    with open(os.path.join(HERE, "specs", name)) as f:
        return json.load(f)


def randomise_bn(net, g):
    """Non-trivial running statistics and affine parameters, so eval-mode BatchNorm is exercised."""
    for m in net.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.3)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.2)


class ResNetSmall(nn.Module):
    """resnet_small.json written out by hand."""

    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16)
        self.block1 = nn.Module()
        b = self.block1
        b.conv1, b.bn1 = nn.Conv2d(16, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16)
        b.conv2, b.bn2 = nn.Conv2d(16, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16)
        self.block2 = nn.Module()
        b = self.block2
        b.conv1, b.bn1 = nn.Conv2d(16, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32)
        b.conv2, b.bn2 = nn.Conv2d(32, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32)
        b.down, b.down_bn = nn.Conv2d(16, 32, 1, 2, bias=False), nn.BatchNorm2d(32)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        b = self.block1
        x = F.relu(b.bn2(b.conv2(F.relu(b.bn1(b.conv1(x))))) + x)
        b = self.block2
        x = F.relu(b.bn2(b.conv2(F.relu(b.bn1(b.conv1(x))))) + b.down_bn(b.down(x)))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def write_model(path, net, spec, mean, std, drop=(), rename=None, extra=None, reshape=None, metadata=True):
    tensors = {k: v.detach().numpy().copy() for k, v in net.state_dict().items()
               if not k.endswith("num_batches_tracked") and k not in drop}
    if rename:
        tensors[rename[1]] = tensors.pop(rename[0])
    if extra:
        tensors[extra] = np.zeros(3, np.float32)
    if reshape:
        tensors[reshape] = tensors[reshape].reshape(-1)
    meta = {"admm4j.spec": json.dumps(spec), "admm4j.normalization": json.dumps({"mean": mean, "std": std})} \
        if metadata else {}
    safetensors_io.write(path, tensors, meta)


def run_check(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = check_model.main([str(a) for a in args])
    return rc, out.getvalue() + err.getvalue()


class LeNet5Naming(unittest.TestCase):
    def test_same_keys_shapes_and_logits_as_check_lenet5_torch(self):
        path = os.path.join(REPO, "nn", "scripts", "check_lenet5_torch.py")
        spec_ = importlib.util.spec_from_file_location("check_lenet5_torch", path)
        mod = importlib.util.module_from_spec(spec_)
        spec_.loader.exec_module(mod)
        torch.manual_seed(1)
        ref = mod.LeNet5().eval()
        net = build_module(spec_file("lenet5.json")).eval()
        self.assertEqual({k: tuple(v.shape) for k, v in ref.state_dict().items()},
                         {k: tuple(v.shape) for k, v in net.state_dict().items()})
        net.load_state_dict(ref.state_dict(), strict=True)
        x = torch.randn(7, 1, 28, 28)
        with torch.no_grad():
            self.assertTrue(torch.equal(ref(x), net(x)))


class ResNetSmallNaming(unittest.TestCase):
    def test_contract_keys_and_hand_written_forward(self):
        net = build_module(spec_file("resnet_small.json"))
        keys = {k for k in net.state_dict() if not k.endswith("num_batches_tracked")}
        for k in ("conv1.weight", "bn1.running_var", "block1.conv1.weight", "block1.bn2.bias",
                  "block2.down.weight", "block2.down_bn.running_var", "fc.weight", "fc.bias"):
            self.assertIn(k, keys)
        self.assertFalse(any(k.startswith(("layers", "top", "body", "shortcut")) for k in keys), keys)
        self.assertNotIn("conv1.bias", keys)
        g = torch.Generator().manual_seed(3)
        ref = ResNetSmall()
        randomise_bn(ref, g)
        ref.eval()
        self.assertEqual(set(ref.state_dict()), set(net.state_dict()))
        net.load_state_dict(ref.state_dict(), strict=True)
        net.eval()
        x = torch.randn(5, 3, 32, 32, generator=g)
        with torch.no_grad():
            self.assertTrue(torch.allclose(ref(x), net(x), atol=1e-6, rtol=0))


class SpecRules(unittest.TestCase):
    def base(self, layers, **kw):
        return dict({"name": "t", "input": [3, 8, 8], "classes": 4, "layers": layers}, **kw)

    def test_errors_name_the_layer(self):
        cases = [
            ([{"type": "conv9d"}], "unknown layer type"),
            ([{"type": "conv2d", "name": "c", "kernel": 3}], "missing 'out_channels'"),
            ([{"type": "flatten"}, {"type": "linear", "name": "fc", "out_features": 5}], "'classes' is 4"),
            ([{"type": "linear", "name": "fc", "out_features": 4}], "put a flatten"),
            ([{"type": "conv2d", "name": "c", "out_channels": 2, "kernel": 1},
              {"type": "conv2d", "name": "c", "out_channels": 2, "kernel": 1}], "used twice"),
            ([{"type": "residual", "name": "b",
               "body": [{"type": "conv2d", "name": "c", "out_channels": 5, "kernel": 1}]}], "shortcut gives"),
            ([{"type": "conv2d", "name": "c", "out_channels": 2, "kernel": 9}], "leaves no output"),
            ([{"type": "conv2d", "name": "c", "out_channels": 2, "kernel": 1, "in_channels": 4}],
             "'in_channels' is 4"),
            ([{"type": "conv2d", "name": "c", "out_channels": 2, "kernel": 1, "padding": "same"}], "'padding'"),
        ]
        for layers, words in cases:
            with self.assertRaises(SpecError, msg=words) as cm:
                build_module(self.base(layers))
            self.assertIn(words, str(cm.exception))
            if "classes" not in words:  # a layer's own fault: the message starts with its path
                self.assertRegex(str(cm.exception), r"^layers\[\d\]")

    def test_batchnorm_kind_eps_momentum_and_unknown_keys(self):
        layers = [{"type": "conv2d", "name": "c", "out_channels": 2, "kernel": 3, "groups": 1},
                  {"type": "batchnorm", "name": "b2", "eps": 1e-3, "momentum": 0.2},
                  {"type": "flatten"}, {"type": "linear", "name": "fc", "out_features": 4},
                  {"type": "batchnorm", "name": "b1"}]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            net = build_module(self.base(layers))
        self.assertTrue(any("groups" in str(w.message) for w in caught))
        self.assertIsInstance(net.b2, nn.BatchNorm2d)
        self.assertIsInstance(net.b1, nn.BatchNorm1d)
        self.assertEqual((net.b2.eps, net.b2.momentum), (1e-3, 0.2))
        self.assertEqual((net.b1.eps, net.b1.momentum), (1e-5, 0.1))
        self.assertEqual(net.fc.in_features, 2 * 6 * 6)

    def test_parameter_free_layers_add_no_keys_and_dropout_follows_mode(self):
        layers = [{"type": "relu", "name": "r"}, {"type": "maxpool", "kernel": 2},
                  {"type": "avgpool", "kernel": 2, "stride": 1}, {"type": "global_avgpool"}, {"type": "flatten"},
                  {"type": "dropout", "p": 0.5, "name": "drop"}, {"type": "linear", "name": "fc", "out_features": 4}]
        net = build_module(self.base(layers))
        self.assertEqual(set(net.state_dict()), {"fc.weight", "fc.bias"})
        x = torch.randn(64, 3, 8, 8)
        net.eval()
        self.assertTrue(torch.equal(net(x), net(x)))
        net.train()
        self.assertFalse(torch.equal(net(x), net(x)))

    def test_auto_names(self):
        layers = [{"type": "conv2d", "out_channels": 2, "kernel": 1}, {"type": "relu"},
                  {"type": "conv2d", "out_channels": 2, "kernel": 1}, {"type": "flatten"},
                  {"type": "linear", "out_features": 4}]
        self.assertEqual({k.split(".")[0] for k in build_module(self.base(layers)).state_dict()},
                         {"conv2d1", "conv2d3", "linear5"})
        self.assertEqual({k.split(".")[0] for k in build_module(self.base(layers), "type-count").state_dict()},
                         {"conv2d1", "conv2d2", "linear1"})


class CheckModelEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        cls.spec = spec_file("resnet_small.json")
        cls.mean, cls.std = [0.4, 0.5, 0.6], [0.2, 0.25, 0.3]
        rng = np.random.default_rng(0)
        xtr, ytr = make_data(rng, 256)  # a briefly trained net: a random one gives every image one class
        cls.net, _ = train(cls.spec, xtr, ytr, np.array(cls.mean), np.array(cls.std), 5, 2)
        cls.model = os.path.join(d, "model.safetensors")
        write_model(cls.model, cls.net, cls.spec, cls.mean, cls.std)
        cls.images, cls.labels = make_data(rng, 40)  # coloured blobs: varied features, unlike iid noise
        os.makedirs(os.path.join(d, "npy"))
        np.save(os.path.join(d, "npy", "test-images.npy"), cls.images)
        np.save(os.path.join(d, "npy", "test-labels.npy"), cls.labels)
        os.makedirs(os.path.join(d, "npyf"))
        np.save(os.path.join(d, "npyf", "test-images.npy"), cls.images.astype(np.float32) / 255)
        np.save(os.path.join(d, "npyf", "test-labels.npy"), cls.labels.astype(np.uint8))
        os.makedirs(os.path.join(d, "cifar"))
        with open(os.path.join(d, "cifar", "test_batch.bin"), "wb") as f:
            f.write(np.concatenate([cls.labels.astype(np.uint8)[:, None], cls.images.reshape(40, -1)], 1).tobytes())
        x = (cls.images.astype(np.float32) / 255 - np.float32(cls.mean).reshape(1, 3, 1, 1)) \
            / np.float32(cls.std).reshape(1, 3, 1, 1)
        with torch.no_grad():
            cls.logits = cls.net(torch.from_numpy(x)).numpy()
        cls.pred = cls.logits.argmax(1)
        assert len(set(cls.pred.tolist())) >= 3, cls.pred
        cls.pred_txt = os.path.join(d, "pred.txt")
        with open(cls.pred_txt, "w") as f:
            f.write("".join(f"{p}\n" for p in cls.pred))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, *p):
        return os.path.join(self.tmp.name, *p)

    def test_own_predictions_in_npy_float_npy_and_cifar10(self):
        for data in ("npy:" + self.path("npy"), "npy:" + self.path("npyf"), "cifar10:" + self.path("cifar")):
            rc, out = run_check(self.model, data, "--predictions", self.pred_txt, "--json", self.path("r.json"),
                                "--save-logits", self.path("logits.npy"))
            self.assertEqual(rc, 0, out)
            np.testing.assert_allclose(np.load(self.path("logits.npy")), self.logits, rtol=0, atol=1e-4)
            self.assertIn("0 of 40", out)
            with open(self.path("r.json")) as f:
                r = json.load(f)
            self.assertEqual(r["differences"], 0)
            self.assertAlmostEqual(r["accuracy"], 100.0 * float((self.pred == self.labels).mean()))

    def test_npy_predictions_and_limit(self):
        np.save(self.path("pred.npy"), self.pred.astype(np.int32))
        rc, out = run_check(self.model, "npy:" + self.path("npy"), "--predictions", self.path("pred.npy"),
                            "--limit", 10)
        self.assertEqual(rc, 0, out)
        self.assertIn("0 of 10", out)

    def test_one_changed_prediction_exits_1(self):
        bad = self.pred.copy()
        bad[7] = (bad[7] + 1) % 10
        with open(self.path("bad.txt"), "w") as f:
            f.write("".join(f"{p}\n" for p in bad))
        rc, out = run_check(self.model, "npy:" + self.path("npy"), "--predictions", self.path("bad.txt"))
        self.assertEqual(rc, 1, out)
        self.assertIn("1 of 40", out)
        self.assertIn("image 7", out)

    def test_tensor_mismatches_exit_3_naming_the_tensor(self):
        cases = [({"drop": ("block2.down_bn.running_var",)}, "block2.down_bn.running_var"),
                 ({"rename": ("block1.conv1.weight", "block1.conv_1.weight")}, "block1.conv_1.weight"),
                 ({"extra": "fc.extra"}, "fc.extra"),
                 ({"reshape": "fc.weight"}, "fc.weight: spec gives shape [10, 32]")]
        for kw, words in cases:
            write_model(self.path("m.safetensors"), self.net, self.spec, self.mean, self.std, **kw)
            rc, out = run_check(self.path("m.safetensors"), "npy:" + self.path("npy"))
            self.assertEqual(rc, 3, out)
            self.assertIn(words, out)

    def test_bad_input_exits_2(self):
        write_model(self.path("nometa.safetensors"), self.net, self.spec, self.mean, self.std, metadata=False)
        rc, out = run_check(self.path("nometa.safetensors"), "npy:" + self.path("npy"))
        self.assertEqual(rc, 2, out)
        self.assertIn("no admm4j.spec", out)
        with open(self.path("spec.json"), "w") as f:
            json.dump(self.spec, f)
        rc, out = run_check(self.path("nometa.safetensors"), "npy:" + self.path("npy"), "--spec",
                            self.path("spec.json"), "--mean", "0.4,0.5,0.6", "--std", "0.2,0.25,0.3",
                            "--predictions", self.pred_txt)
        self.assertEqual(rc, 0, out)
        rc, out = run_check(self.model, "npy:" + self.path("nowhere"))
        self.assertEqual(rc, 2, out)
        rc, out = run_check(self.model, "tar:" + self.path("npy"))
        self.assertEqual(rc, 2, out)
        with open(self.path("trunc.safetensors"), "wb") as f:
            f.write(b"\xff" * 12)
        rc, out = run_check(self.path("trunc.safetensors"), "npy:" + self.path("npy"))
        self.assertEqual(rc, 2, out)

    def test_folder_layout_order(self):
        root = self.path("folder")
        names = ["b", "a", "c", "d", "e", "f", "g", "h", "i", "j"]  # label i is the i-th name in sorted order
        order = []
        from PIL import Image
        for i in range(len(self.images)):
            label = int(self.labels[i])
            d = os.path.join(root, "test", sorted(names)[label])
            os.makedirs(d, exist_ok=True)
            Image.fromarray(self.images[i].transpose(1, 2, 0), "RGB").save(os.path.join(d, f"{i:05d}.png"))
        for label in range(10):
            order += [i for i in range(len(self.images)) if self.labels[i] == label]
        with open(self.path("pred-folder.txt"), "w") as f:
            f.write("".join(f"{self.pred[i]}\n" for i in order))
        rc, out = run_check(self.model, "folder:" + root, "--predictions", self.path("pred-folder.txt"))
        self.assertEqual(rc, 0, out)

    def test_mnist_idx_plain_and_gzipped(self):
        spec = {"name": "m", "input": [1, 28, 28], "classes": 10,
                "layers": [{"type": "flatten"}, {"type": "linear", "name": "fc", "out_features": 10}]}
        torch.manual_seed(2)
        net = build_module(spec).eval()
        write_model(self.path("mnist.safetensors"), net, spec, [0.1307], [0.3081])
        rng = np.random.default_rng(1)
        imgs = rng.integers(0, 256, (30, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, 30).astype(np.uint8)
        with torch.no_grad():
            pred = net(torch.from_numpy((imgs.astype(np.float32)[:, None] / 255 - np.float32(0.1307))
                                        / np.float32(0.3081))).argmax(1).numpy()
        with open(self.path("mnist-pred.txt"), "w") as f:
            f.write("".join(f"{p}\n" for p in pred))
        for gz in (False, True):
            d = self.path("mnist-gz" if gz else "mnist")
            os.makedirs(d)
            for name, a, magic in (("t10k-images-idx3-ubyte", imgs, 2051), ("t10k-labels-idx1-ubyte", labels, 2049)):
                b = struct.pack(">I", magic) + b"".join(struct.pack(">I", s) for s in a.shape) + a.tobytes()
                with (gzip.open(os.path.join(d, name + ".gz"), "wb") if gz else open(os.path.join(d, name), "wb")) as f:
                    f.write(b)
            rc, out = run_check(self.path("mnist.safetensors"), "mnist:" + d, "--predictions",
                                self.path("mnist-pred.txt"))
            self.assertEqual(rc, 0, out)

    def test_unnamed_layers_match_either_auto_naming_rule(self):
        spec = {"name": "u", "input": [3, 32, 32], "classes": 10,
                "layers": [{"type": "conv2d", "out_channels": 4, "kernel": 3}, {"type": "relu"},
                           {"type": "global_avgpool"}, {"type": "flatten"}, {"type": "linear", "out_features": 10}]}
        for naming in ("position", "type-count"):
            net = build_module(spec, naming).eval()
            write_model(self.path("u.safetensors"), net, spec, self.mean, self.std)
            rc, out = run_check(self.path("u.safetensors"), "npy:" + self.path("npy"))
            self.assertEqual(rc, 0, out)
            self.assertEqual("type-count" in out, naming == "type-count", out)


class SafetensorsRoundTrip(unittest.TestCase):
    def test_round_trip_alignment_and_metadata(self):
        with tempfile.TemporaryDirectory() as d:
            t = {"b": np.arange(6, dtype=np.float32).reshape(2, 3), "a": np.float32([1.5])}
            safetensors_io.write(os.path.join(d, "x.safetensors"), t, {"k": "v"})
            with open(os.path.join(d, "x.safetensors"), "rb") as f:
                n = struct.unpack("<Q", f.read(8))[0]
            self.assertEqual(n % 8, 0)
            back, meta = safetensors_io.read(os.path.join(d, "x.safetensors"))
            self.assertEqual(meta, {"k": "v"})
            self.assertEqual(set(back), {"a", "b"})
            self.assertTrue(np.array_equal(back["b"], t["b"]))
            self.assertEqual(os.listdir(d), ["x.safetensors"])


if __name__ == "__main__":
    unittest.main()
