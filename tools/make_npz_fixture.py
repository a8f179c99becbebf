#!/usr/bin/env python3
"""Writes the small NPZ image set Lethe's tests and example catalog use, from the shipped MNIST-10k.

  python3 tools/make_npz_fixture.py processor/src/main/resources/datasets/mnist-10k \
      processor/src/main/resources/datasets/mnist-npz [processor/src/test/resources/npz/string-subjects.npz]

Records 0..1999 of MNIST-10k become train.npz and records 2000..2499 test.npz:
  x          float32 [n, 1, 28, 28], pixel / 255
  y          int64   [n], the digit
  sample_id  int64   [n], the MNIST-10k record index (so ids are unique over both files)
Subjects are strings, which DJL cannot decode from an .npz (NumPy '<U' arrays), so they are in
subjects.csv (sample_id,subject_id): subject 'writer-%03d' with number k owns ids 5k..5k+4.
Saved with np.savez_compressed.
"""
import gzip
import os
import sys

import numpy as np

source, target = sys.argv[1], sys.argv[2]
with gzip.open(os.path.join(source, "images-idx3-ubyte.gz")) as f:
    raw = f.read()
magic, count, rows, cols = np.frombuffer(raw[:16], dtype=">i4")
assert magic == 0x803, hex(magic)
images = np.frombuffer(raw[16:], dtype=np.uint8).reshape(count, 1, rows, cols)
with gzip.open(os.path.join(source, "labels-idx1-ubyte.gz")) as f:
    raw = f.read()
assert np.frombuffer(raw[:4], dtype=">i4")[0] == 0x801
labels = np.frombuffer(raw[8:], dtype=np.uint8)

os.makedirs(target, exist_ok=True)
for name, lo, hi in (("train", 0, 2000), ("test", 2000, 2500)):
    np.savez_compressed(
        os.path.join(target, name + ".npz"),
        x=(images[lo:hi].astype(np.float32) / 255.0).astype(np.float32),
        y=labels[lo:hi].astype(np.int64),
        sample_id=np.arange(lo, hi, dtype=np.int64),
    )
with open(os.path.join(target, "subjects.csv"), "w") as f:
    f.write("sample_id,subject_id\n")
    for i in range(2500):
        f.write(f"{i},writer-{i // 5:03d}\n")

# A test fixture DJL must refuse with a clear message: subject ids as a NumPy string array.
if len(sys.argv) > 3:
    np.savez_compressed(
        sys.argv[3],
        x=(images[:4].astype(np.float32) / 255.0).astype(np.float32),
        y=labels[:4].astype(np.int64),
        sample_id=np.arange(4, dtype=np.int64),
        subject_id=np.array(["writer-000", "writer-000", "writer-001", "writer-001"]),
    )
