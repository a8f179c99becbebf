#!/usr/bin/python3
"""Makes the TorchScript fixtures Lethe's tests import, with real PyTorch, from the shipped data.

Run with the system Python that has Debian's python3-torch (1.13):

    /usr/bin/python3 tools/make_torchscript_fixtures.py

It writes, under processor/src/test/resources/torchscript/:

  digits-cnn.pt     a small CNN trained on datasets/mnist-npz/train.npz; a `features(x)` method
                    and a head named `head` (Linear 32 -> 10), so MUSO can run on it
  patients-mlp.pt   an MLP trained on datasets/breast-cancer-wisconsin/train.csv; it standardizes
                    its input itself (mean/std buffers), so the catalog needs no `standardize`
  patients-3.pt     an untrained MLP that answers 3 logits for the 2-class table (a shape
                    mismatch the catalog must refuse)

Deterministic, byte for byte: fixed seeds, one thread, batch order from a seeded generator, and
PYTHONHASHSEED=0 (the script re-executes itself with it). This is also the
shape a PyTorch user gives a model to put it under Lethe (see docs/pytorch.md).
"""
import csv
import os
import sys

import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "processor/src/main/resources/datasets")
OUT = os.path.join(ROOT, "processor/src/test/resources/torchscript")


class DigitsCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(16 * 5 * 5, 32), nn.ReLU())
        self.head = nn.Linear(32, 10)

    @torch.jit.export
    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


class PatientsMlp(nn.Module):
    def __init__(self, mean, std, classes=2):
        super().__init__()
        # Buffers, not parameters: saved with the module, never trained or unlearned.
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32))
        self.body = nn.Sequential(nn.Linear(len(mean), 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
        self.head = nn.Linear(16, classes)

    @torch.jit.export
    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body((x - self.mean) / self.std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def train(model, x, y, epochs, batch, lr, seed):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    model.eval()
    return model


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def read_table(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    features = [c for c in rows[0].keys() if c not in ("sample_id", "patient_id", "diagnosis")]
    x = np.array([[float(r[c]) for c in features] for r in rows], dtype=np.float32)
    y = np.array([0 if r["diagnosis"] == "benign" else 1 for r in rows], dtype=np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def save(model, name):
    scripted = torch.jit.script(model)
    path = os.path.join(OUT, name)
    scripted.save(path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def main():
    # torch.jit.script's generated code follows Python's string hashing: fix it, or the same
    # weights come out in different bytes from run to run (measured: the CNN's code files differed).
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv,
                  dict(os.environ, PYTHONHASHSEED="0"))
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)

    torch.manual_seed(1)
    tr = np.load(os.path.join(DATA, "mnist-npz/train.npz"))
    te = np.load(os.path.join(DATA, "mnist-npz/test.npz"))
    x, y = torch.from_numpy(tr["x"]), torch.from_numpy(tr["y"])
    cnn = train(DigitsCnn(), x, y, epochs=4, batch=32, lr=0.002, seed=1)
    print("digits-cnn test accuracy",
          accuracy(cnn, torch.from_numpy(te["x"]), torch.from_numpy(te["y"])))
    save(cnn, "digits-cnn.pt")

    torch.manual_seed(2)
    x, y = read_table(os.path.join(DATA, "breast-cancer-wisconsin/train.csv"))
    tx, ty = read_table(os.path.join(DATA, "breast-cancer-wisconsin/test.csv"))
    mean, std = x.mean(0), x.std(0)
    mlp = train(PatientsMlp(mean.tolist(), std.tolist()), x, y, epochs=30, batch=32, lr=0.001,
                seed=2)
    print("patients-mlp test accuracy", accuracy(mlp, tx, ty))
    save(mlp, "patients-mlp.pt")

    torch.manual_seed(3)
    save(PatientsMlp(mean.tolist(), std.tolist(), classes=3).eval(), "patients-3.pt")


if __name__ == "__main__":
    main()
