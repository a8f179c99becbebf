#!/usr/bin/python3
"""Reads a model Lethe trained itself (the LETH artifact format, docs/model-format.md) outside the
JVM, with numpy only.

    import lethe_model
    m = lethe_model.load("version.leth")
    m.architecture, m.settings, m.input_shape, m.classes   # what the model is
    m.parameters                                          # [(name, numpy array)] in block order
    m.logits(x)                                           # mlp only: x is [n, *input_shape], raw

Command line: `/usr/bin/python3 tools/lethe_model.py FILE` prints the description and the
parameters; `... FILE INPUTS.f32 OUT.f32` writes the logits of little-endian float32 inputs.
"""
import struct
import sys

import numpy as np

MAGIC = 0x4C455448  # "LETH"
FORMAT = 2
ARRAY_MAGIC = b"\x00\x04NDAR"  # DJL's NDArray encoding starts with writeUTF("NDAR")
DTYPES = {"FLOAT32": ">f4", "FLOAT64": ">f8", "INT32": ">i4", "INT64": ">i8", "INT8": "i1",
          "UINT8": "u1", "FLOAT16": ">f2", "BOOLEAN": "?"}


class Reader:
    def __init__(self, data, pos=0):
        self.data, self.pos = data, pos

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("truncated Lethe model")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def int(self):
        return struct.unpack(">i", self.take(4))[0]

    def long(self):
        return struct.unpack(">q", self.take(8))[0]

    def float(self):
        return struct.unpack(">f", self.take(4))[0]

    def bool(self):
        return self.take(1) != b"\x00"

    def utf(self):
        n = struct.unpack(">H", self.take(2))[0]
        return self.take(n).decode("utf-8")

    def floats(self, n):
        return np.frombuffer(self.take(4 * n), dtype=">f4").astype(np.float32)


class LetheModel:
    def __init__(self, data):
        r = Reader(data)
        if r.int() != MAGIC:
            raise ValueError("not a Lethe model (bad magic)")
        version = r.int()
        if version != FORMAT:
            raise ValueError(f"unsupported Lethe model format {version}")
        self.architecture = r.utf()
        self.settings = {}
        for _ in range(r.int()):
            key = r.utf()
            self.settings[key] = r.utf()
        self.input_shape = tuple(r.int() for _ in range(r.int()))
        self.classes = r.int()
        self.mnemonic_seed = r.long() if r.bool() else None
        self.mnemonic_noise = r.float()
        self.shards = r.int()
        self.mean = self.std = None
        if r.bool():
            self.mean = r.floats(r.int())
            self.std = r.floats(r.int())
        self.initial_head = r.floats(r.int())
        self.parameters = parameters(data, r.pos)

    def logits(self, x):
        """The logits of raw inputs x [n, *input_shape] (standardized here when the model was)."""
        if self.architecture != "mlp" or self.shards != 1:
            raise NotImplementedError("logits() covers a single mlp; read .parameters for others")
        h = np.asarray(x, dtype=np.float32).reshape(len(x), -1)
        if self.mean is not None:
            h = (h - self.mean) / self.std
        layers = [(self.parameters[i][1], self.parameters[i + 1][1])
                  for i in range(0, len(self.parameters), 2)]
        for k, (w, b) in enumerate(layers):
            h = h @ w.T + b  # DJL's Linear: weight is (out, in)
            if k < len(layers) - 1:
                h = np.maximum(h, 0)
        return h


def parameters(data, start):
    """Every array DJL's saveParameters wrote, in block order, named by its parameter record."""
    out = []
    pos = data.find(ARRAY_MAGIC, start)
    while pos >= 0:
        name = parameter_name(data, pos)
        r = Reader(data, pos + len(ARRAY_MAGIC))
        r.int()  # encoding version
        if r.take(1) != b"\x00":
            r.utf()  # the array's own name
        r.utf()  # sparse format
        dtype = r.utf()
        shape = tuple(r.long() for _ in range(r.int()))
        for _ in range(r.int()):
            r.take(2)  # layout
        order = r.take(1)
        length = r.int()
        raw = r.take(length)
        np_type = DTYPES[dtype]
        if order == b"<":
            np_type = np_type.replace(">", "<")
        out.append((name, np.frombuffer(raw, dtype=np_type).reshape(shape).astype(np.float32)))
        pos = data.find(ARRAY_MAGIC, r.pos)
    return out


def parameter_name(data, pos):
    # DJL's Parameter.save: writeChar('P'), a version byte, writeUTF(name), then the array.
    for n in range(1, 256):
        at = pos - n - 2
        if at >= 3 and struct.unpack(">H", data[at:at + 2])[0] == n \
                and data[at - 3:at - 1] == b"\x00P":
            return data[at + 2:pos].decode("utf-8")
    return None


def load(path):
    with open(path, "rb") as f:
        return LetheModel(f.read())


def main(argv):
    m = load(argv[1])
    if len(argv) == 2:
        print(f"{m.architecture} {m.settings} input {m.input_shape} classes {m.classes}")
        for name, a in m.parameters:
            print(f"  {name} {a.shape}")
        return
    x = np.fromfile(argv[2], dtype="<f4").reshape((-1,) + m.input_shape)
    m.logits(x).astype("<f4").tofile(argv[3])


if __name__ == "__main__":
    main(sys.argv)
