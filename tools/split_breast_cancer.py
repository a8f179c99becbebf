#!/usr/bin/env python3
"""Splits the Breast Cancer Wisconsin table into the train and test files Lethe ships.

The rule is fixed and written down so anyone can check it: a row whose sample_id % 5 == 4 is a
test row (113 of 569, 20 %), every other row a training row. Rows, columns and values are copied
unchanged.

  python3 tools/split_breast_cancer.py ../shared/datasets/breast-cancer-wisconsin/breast-cancer-wisconsin.csv \
      processor/src/main/resources/datasets/breast-cancer-wisconsin
"""
import csv
import sys

source, target = sys.argv[1], sys.argv[2]
with open(source, newline="") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
sample_id = header.index("sample_id")
for name, keep in (("train.csv", lambda i: i % 5 != 4), ("test.csv", lambda i: i % 5 == 4)):
    with open(f"{target}/{name}", "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(r for r in body if keep(int(r[sample_id])))
