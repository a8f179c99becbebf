#!/usr/bin/python3
"""Measures, in PyTorch, what a CLASS erasure did to TorchScript artifacts the registry served.

    forgetting.py FORMAT TRAIN TEST CLASSES FORGOTTEN MODULE...

FORMAT is npz or csv (a CSV's features are its columns in file order without sample_id,
patient_id and diagnosis; CLASSES is its comma-separated class order, '-' for NPZ). FORGOTTEN is
the class index. For each MODULE it prints one JSON line: the accuracy on the forgotten class's
training and test rows, and the test accuracy on the other classes.
"""
import csv
import json
import sys

import numpy as np
import torch


def load(fmt, path, classes):
    if fmt == "npz":
        d = np.load(path)
        return d["x"].astype(np.float32), d["y"].astype(np.int64)
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    skip = {"sample_id", "patient_id", "diagnosis"}
    columns = [c for c in rows[0].keys() if c not in skip]
    x = np.array([[float(r[c]) for c in columns] for r in rows], dtype=np.float32)
    y = np.array([classes.index(r["diagnosis"]) for r in rows], dtype=np.int64)
    return x, y


def accuracy(module, x, y):
    if len(y) == 0:
        return None
    with torch.no_grad():
        predicted = module(torch.from_numpy(x)).argmax(dim=1).numpy()
    return float((predicted == y).mean())


def main():
    fmt, train, test, classes, forgotten = sys.argv[1:6]
    classes = [] if classes == "-" else classes.split(",")
    forgotten = int(forgotten)
    torch.set_num_threads(1)
    x_train, y_train = load(fmt, train, classes)
    x_test, y_test = load(fmt, test, classes)
    for path in sys.argv[6:]:
        module = torch.jit.load(path).eval()
        print(json.dumps({
            "module": path,
            "forgetTrainAccuracy": accuracy(
                module, x_train[y_train == forgotten], y_train[y_train == forgotten]),
            "forgetTestAccuracy": accuracy(
                module, x_test[y_test == forgotten], y_test[y_test == forgotten]),
            "otherTestAccuracy": accuracy(
                module, x_test[y_test != forgotten], y_test[y_test != forgotten]),
        }))


if __name__ == "__main__":
    main()
