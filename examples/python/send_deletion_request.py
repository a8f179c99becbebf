#!/usr/bin/python3
"""Sends one Lethe deletion request from Python, framed by hand as docs/producers.md describes.

Needs Debian's python3-confluent-kafka (Kafka) and python3-avro (Avro's binary encoding); Debian has
no fastavro, so Confluent's own Python Avro serializer is not available there and the framing is
written here:

  /usr/bin/python3 send_deletion_request.py --bootstrap-servers localhost:9092 --subject subject-0042
  /usr/bin/python3 send_deletion_request.py ... --samples 3,14 --model mnist-mlp
  /usr/bin/python3 send_deletion_request.py ... --registry http://localhost:8080/apis/ccompat/v7

Without --registry: Lethe's embedded mode, Avro single-object encoding
(C3 01 | CRC-64-AVRO fingerprint of the schema, little-endian | Avro binary), with the schema of
../DeletionRequest.avsc. With --registry (a Confluent-compatible API, e.g. Apicurio's
/apis/ccompat/v7): the schema Lethe registered under <topic>-value is fetched, and the record is
framed the Confluent way (00 | 4-byte schema id, big-endian | Avro binary).
"""
import argparse
import datetime
import io
import json
import os
import struct
import sys
import urllib.parse
import urllib.request
import uuid

import avro.io
import avro.schema
from confluent_kafka import Producer

EMPTY = 0xC15D213AA4D7A795
TABLE = []
for i in range(256):
    fp = i
    for _ in range(8):
        fp = (fp >> 1) ^ (EMPTY if fp & 1 else 0)
    TABLE.append(fp)


def fingerprint(canonical):
    """CRC-64-AVRO of the Parsing Canonical Form, as Java's parsingFingerprint64 computes it."""
    fp = EMPTY
    for b in canonical.encode("utf-8"):
        fp = (fp >> 8) ^ TABLE[(fp ^ b) & 0xFF]
    return fp


PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def canonical_form(node, namespace=""):
    """Avro's Parsing Canonical Form of a schema's JSON (the spec's transformation rules).

    python3-avro's own Schema.canonical_form keeps a primitive with attributes as
    {"type":"string"} where the spec (and Java) write "string", so its fingerprint would not match.
    """
    if isinstance(node, str):
        if node in PRIMITIVES:
            return json.dumps(node)
        return json.dumps(node if "." in node or not namespace else namespace + "." + node)
    if isinstance(node, list):
        return "[" + ",".join(canonical_form(branch, namespace) for branch in node) + "]"
    kind = node["type"]
    if kind in PRIMITIVES:
        return json.dumps(kind)
    if kind in ("record", "error", "enum", "fixed"):
        name, space = node["name"], node.get("namespace", namespace)
        if "." not in name and space:
            name = space + "." + name
        namespace = name.rsplit(".", 1)[0] if "." in name else ""
        parts = ['"name":' + json.dumps(name), '"type":' + json.dumps(kind)]
        if kind == "enum":
            parts.append('"symbols":' + json.dumps(node["symbols"], separators=(",", ":")))
        elif kind == "fixed":
            parts.append('"size":' + str(int(node["size"])))
        else:
            fields = [
                '{"name":' + json.dumps(f["name"]) + ',"type":' + canonical_form(f["type"], namespace) + "}"
                for f in node["fields"]
            ]
            parts.append('"fields":[' + ",".join(fields) + "]")
        return "{" + ",".join(parts) + "}"
    if kind == "array":
        return '{"type":"array","items":' + canonical_form(node["items"], namespace) + "}"
    if kind == "map":
        return '{"type":"map","values":' + canonical_form(node["values"], namespace) + "}"
    return canonical_form(kind, namespace)


def avro_binary(schema, record):
    out = io.BytesIO()
    avro.io.DatumWriter(schema).write(record, avro.io.BinaryEncoder(out))
    return out.getvalue()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bootstrap-servers", required=True)
    p.add_argument("--topic", default="lethe.deletion-requests")
    p.add_argument("--registry", help="a Confluent-compatible API, e.g. .../apis/ccompat/v7")
    p.add_argument("--id")
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--subject")
    scope.add_argument("--samples", help="sample ids, comma-separated (with --model)")
    scope.add_argument("--class", dest="classes", help="class labels, comma-separated (with --model)")
    p.add_argument("--model", default="", help="model ids, comma-separated")
    p.add_argument("--reason", default="OTHER")
    a = p.parse_args()

    record = {
        "requestId": a.id or "req-" + str(uuid.uuid4()),
        "scope": "SUBJECT" if a.subject else "SAMPLES" if a.samples else "CLASS",
        "subjectId": a.subject,
        "modelIds": [m for m in a.model.split(",") if m],
        "sampleIds": [int(s) for s in a.samples.split(",")] if a.samples else [],
        "classLabels": [int(c) for c in a.classes.split(",")] if a.classes else [],
        "reason": a.reason,
        "regulation": None,
        # timestamp-millis: python3-avro writes a timezone-aware datetime as epoch millis.
        "requestedAt": datetime.datetime.now(datetime.timezone.utc),
        "deadline": None,
        "source": "python example",
    }
    if a.registry:
        subject = urllib.parse.quote(a.topic + "-value", safe="")
        url = a.registry.rstrip("/") + "/subjects/" + subject + "/versions/latest"
        with urllib.request.urlopen(url, timeout=10) as response:
            latest = json.load(response)
        schema = avro.schema.parse(latest["schema"])
        value = b"\x00" + struct.pack(">I", latest["id"]) + avro_binary(schema, record)
    else:
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "..", "DeletionRequest.avsc"), encoding="utf-8") as f:
            text = f.read()
        schema = avro.schema.parse(text)
        header = b"\xc3\x01" + struct.pack("<Q", fingerprint(canonical_form(json.loads(text))))
        value = header + avro_binary(schema, record)

    producer = Producer({"bootstrap.servers": a.bootstrap_servers, "enable.idempotence": True})
    failures = []
    # Keyed by the request id, as Lethe requires.
    producer.produce(
        a.topic,
        key=record["requestId"].encode("utf-8"),
        value=value,
        on_delivery=lambda err, msg: failures.append(err) if err else None,
    )
    if producer.flush(30) != 0 or failures:
        sys.exit("send_deletion_request: not delivered: %s" % (failures or "timeout"))
    print(record["requestId"])


if __name__ == "__main__":
    main()
