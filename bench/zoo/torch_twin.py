"""The PyTorch twin of a Trainyard model, for `npm run bench:zoo` only (never the tests).

Reads the model's Keras topology (tfjs `model.toJSON()`, as zoo.bench.ts writes it), builds
the same layers in PyTorch (NCHW, as a PyTorch user would write them; initialised as Keras
initialises: glorot-uniform kernels, zero biases), trains it on random data of the same
shape with Adam 1e-3 and cross-entropy at the same batch size on every core, and prints one
JSON line: {"samplesPerSec": ..., "epochs": [...]}. A final softmax becomes logits with
CrossEntropyLoss, which is what a PyTorch user trains.

With --fashion DIR it trains on Fashion-MNIST's first N training images instead (IDX files
as Debian's dataset-fashion-mnist installs them) and also reports the wall time of training
and the accuracy on the first --test images of the test set.

Usage: /usr/bin/python3 torch_twin.py TOPOLOGY.json --samples N --epochs E --batch B [--seed S] [--fashion DIR --test T]
"""
import gzip
import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": F.relu,
    "relu6": F.relu6,
    "elu": F.elu,
    "selu": F.selu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softplus": F.softplus,
    "softsign": F.softsign,
    "swish": F.silu,
    "gelu": F.gelu,
    "softmax": lambda x: F.softmax(x, dim=1),
}


def pair(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v, v)


def same_pad(x, kernel, stride, dilation):
    """TensorFlow's 'same': the extra row and column of an odd total go to the bottom and right."""
    pads = []
    for size, k, s, d in zip(x.shape[2:], kernel, stride, dilation):
        total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
        pads.append((total // 2, total - total // 2))
    (top, bottom), (left, right) = pads
    return F.pad(x, (left, right, top, bottom)) if any((top, bottom, left, right)) else x


class Conv(nn.Module):
    def __init__(self, cfg, in_ch):
        super().__init__()
        self.kernel, self.stride, self.dilation = pair(cfg["kernel_size"]), pair(cfg["strides"]), pair(cfg["dilation_rate"])
        self.same = cfg["padding"] == "same"
        self.conv = nn.Conv2d(in_ch, cfg["filters"], self.kernel, self.stride, dilation=self.dilation, bias=cfg["use_bias"])
        self.act = ACTIVATIONS[cfg["activation"]]

    def forward(self, x):
        return self.act(self.conv(same_pad(x, self.kernel, self.stride, self.dilation) if self.same else x))


class Pool(nn.Module):
    def __init__(self, cfg, kind):
        super().__init__()
        self.kernel, self.stride = pair(cfg["pool_size"]), pair(cfg["strides"] or cfg["pool_size"])
        self.same, self.kind = cfg["padding"] == "same", kind

    def forward(self, x):
        if self.same:
            x = same_pad(x, self.kernel, self.stride, (1, 1))
        return (F.max_pool2d if self.kind == "max" else F.avg_pool2d)(x, self.kernel, self.stride)


class Dense(nn.Module):
    def __init__(self, cfg, in_features, last):
        super().__init__()
        self.linear = nn.Linear(in_features, cfg["units"], bias=cfg["use_bias"])
        # The output's softmax is folded into CrossEntropyLoss.
        self.act = ACTIVATIONS["linear" if last and cfg["activation"] == "softmax" else cfg["activation"]]

    def forward(self, x):
        return self.act(self.linear(x))


class Lambda(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


def make_layer(kind, cfg, shapes, last):
    """The module of one Keras layer, and its output shape (C, H, W) or (F,)."""
    s = shapes[0]
    if kind == "Conv2D":
        m = Conv(cfg, s[0])
        out = m.conv(torch.zeros(1, *s) if not m.same else same_pad(torch.zeros(1, *s), m.kernel, m.stride, m.dilation)).shape[1:]
        return m, tuple(out)
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        m = Pool(cfg, "max" if kind.startswith("Max") else "avg")
        return m, tuple(m(torch.zeros(1, *s)).shape[1:])
    if kind == "Dense":
        return Dense(cfg, s[-1], last), (cfg["units"],)
    if kind == "BatchNormalization":
        return (nn.BatchNorm2d if len(s) == 3 else nn.BatchNorm1d)(s[0], eps=cfg["epsilon"], momentum=1 - cfg["momentum"]), s
    if kind == "Activation":
        fn = ACTIVATIONS["linear" if last and cfg["activation"] == "softmax" else cfg["activation"]]
        return Lambda(fn), s
    if kind == "Flatten":
        return Lambda(lambda x: torch.flatten(x, 1)), (math.prod(s),)
    if kind == "Dropout":
        return nn.Dropout(cfg["rate"]), s
    if kind == "GlobalAveragePooling2D":
        return Lambda(lambda x: x.mean(dim=(2, 3))), (s[0],)
    if kind == "GlobalMaxPooling2D":
        return Lambda(lambda x: x.amax(dim=(2, 3))), (s[0],)
    if kind == "Add":
        return Lambda(lambda *xs: sum(xs[1:], xs[0])), s
    if kind == "Concatenate":
        return Lambda(lambda *xs: torch.cat(xs, dim=1)), (sum(t[0] for t in shapes), *s[1:])
    if kind == "ZeroPadding2D":
        (t, b), (l, r) = cfg["padding"]
        return Lambda(lambda x: F.pad(x, (l, r, t, b))), (s[0], s[1] + t + b, s[2] + l + r)
    raise SystemExit(json.dumps({"error": f"the twin has no {kind} layer"}))


class Twin(nn.Module):
    """The Keras graph (a Sequential is a chain) run in order, in NCHW."""

    def __init__(self, topology, input_shape):
        super().__init__()
        cfg = topology["config"]
        layers = cfg["layers"] if isinstance(cfg, dict) else cfg
        self.order, self.inputs, mods = [], {}, {}
        shapes = {"input": input_shape}
        prev = "input"
        names = [l["config"]["name"] for l in layers if l["class_name"] != "InputLayer"]
        for layer in layers:
            kind, lcfg = layer["class_name"], layer["config"]
            name = lcfg["name"]
            if kind == "InputLayer":
                shapes[name] = input_shape
                prev = name
                continue
            nodes = layer.get("inbound_nodes")
            ins = [n[0] for n in nodes[0]] if nodes else [prev]
            mods[name], shapes[name] = make_layer(kind, lcfg, [shapes[i] for i in ins], name == names[-1])
            self.order.append(name)
            self.inputs[name] = ins
            prev = name
        self.input_name = layers[0]["config"]["name"] if layers[0]["class_name"] == "InputLayer" else "input"
        self.mods = nn.ModuleDict(mods)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        values = {self.input_name: x, "input": x}
        for name in self.order:
            values[name] = self.mods[name](*[values[i] for i in self.inputs[name]])
        return values[self.order[-1]]


def read_idx(path, count, header):
    """The first `count` items of an IDX file (gzipped or not) as a uint8 tensor."""
    opener = gzip.open if os.path.exists(path + ".gz") else open
    with opener(path + ".gz" if os.path.exists(path + ".gz") else path, "rb") as f:
        data = f.read()
    return torch.frombuffer(bytearray(data[header:]), dtype=torch.uint8)[: count * (784 if header == 16 else 1)]


def fashion(directory, prefix, count):
    images = read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte"), count, 16).float().div(255).view(-1, 1, 28, 28)
    labels = read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte"), count, 8).long()
    return images, labels


def accuracy(model, xs, ys):
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(xs[i : i + 256]).argmax(1) == ys[i : i + 256]).sum()) for i in range(0, len(xs), 256))
    return correct / len(xs)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("topology")
    p.add_argument("--samples", type=int, default=2048)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--fashion")
    p.add_argument("--test", type=int, default=2000)
    p.add_argument("--seed", type=int, default=42)
    args = p.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(args.seed)
    model = Twin(json.load(open(args.topology)), (1, 28, 28))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    if args.fashion:
        xs, ys = fashion(args.fashion, "train", args.samples)
        args.samples = len(xs)
    else:
        xs = torch.rand(args.samples, 1, 28, 28)
        ys = torch.randint(0, 10, (args.samples,))
    epochs = []
    started = time.perf_counter()
    for _ in range(args.epochs):
        model.train()
        start = time.perf_counter()
        perm = torch.randperm(args.samples)
        for i in range(0, args.samples, args.batch):
            idx = perm[i : i + args.batch]
            opt.zero_grad()
            loss = F.cross_entropy(model(xs[idx]), ys[idx])
            loss.backward()
            opt.step()
        epochs.append(args.samples / (time.perf_counter() - start))
    wall = time.perf_counter() - started
    measured = epochs[1:] or epochs
    result = {"samplesPerSec": sum(measured) / len(measured), "epochs": epochs, "wallMs": wall * 1000}
    if args.fashion:
        result["testAcc"] = accuracy(model, *fashion(args.fashion, "t10k", args.test))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
