#!/usr/bin/env node
// Sends one Lethe deletion request from Node, framed by hand as docs/producers.md describes.
//
//   npm install   (kafkajs for Kafka, avsc for Avro's binary encoding)
//   node send-deletion-request.js --bootstrap-servers localhost:9092 --subject subject-0042
//   node send-deletion-request.js ... --samples 3,14 --model mnist-mlp
//   node send-deletion-request.js ... --registry http://localhost:8080/apis/ccompat/v7
//
// Without --registry: Lethe's embedded mode, Avro single-object encoding
// (C3 01 | CRC-64-AVRO fingerprint of the schema, little-endian | Avro binary), with the schema
// of ../DeletionRequest.avsc. With --registry (a Confluent-compatible API, e.g. Apicurio's
// /apis/ccompat/v7): the schema Lethe registered under <topic>-value is fetched, and the record
// is framed the Confluent way (00 | 4-byte schema id, big-endian | Avro binary).
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const avsc = require('avsc');
const { Kafka, logLevel } = require('kafkajs');

function parseArgs(argv) {
  const args = { topic: 'lethe.deletion-requests', models: [], reason: 'OTHER' };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    switch (key) {
      case '--bootstrap-servers': args.brokers = value.split(','); break;
      case '--topic': args.topic = value; break;
      case '--registry': args.registry = value.replace(/\/$/, ''); break;
      case '--id': args.id = value; break;
      case '--subject': args.subject = value; break;
      case '--samples': args.samples = value.split(',').map(Number); break;
      case '--class': args.classes = value.split(',').map(Number); break;
      case '--model': args.models = value.split(','); break;
      case '--reason': args.reason = value; break;
      default: throw new Error(`unknown option ${key}`);
    }
  }
  if (!args.brokers) throw new Error('--bootstrap-servers is required');
  if (!args.subject && !args.samples && !args.classes) {
    throw new Error('give --subject, --samples or --class');
  }
  return args;
}

// CRC-64-AVRO (Avro's Rabin fingerprint) of the schema's Parsing Canonical Form, as Java's
// SchemaNormalization.parsingFingerprint64 computes it.
const EMPTY = 0xc15d213aa4d7a795n;
const TABLE = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (fp & 1n ? EMPTY : 0n);
  return fp;
});
function fingerprint(canonical) {
  let fp = EMPTY;
  for (const b of Buffer.from(canonical, 'utf8')) {
    fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(b)) & 0xffn)];
  }
  return fp;
}

async function registeredSchema(registry, subject) {
  const response = await fetch(`${registry}/subjects/${encodeURIComponent(subject)}/versions/latest`);
  if (!response.ok) throw new Error(`${registry}: ${response.status} ${await response.text()}`);
  const body = await response.json();
  return { id: body.id, schema: JSON.parse(body.schema) };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const request = {
    requestId: args.id || `req-${crypto.randomUUID()}`,
    scope: args.subject ? 'SUBJECT' : args.samples ? 'SAMPLES' : 'CLASS',
    subjectId: args.subject || null,
    modelIds: args.models,
    sampleIds: args.samples || [],
    classLabels: args.classes || [],
    reason: args.reason,
    regulation: null,
    requestedAt: Date.now(),
    deadline: null,
    source: 'node example',
  };
  let value;
  if (args.registry) {
    const { id, schema } = await registeredSchema(args.registry, `${args.topic}-value`);
    const header = Buffer.alloc(5);
    header.writeUInt8(0, 0);
    header.writeUInt32BE(id, 1);
    value = Buffer.concat([header, avsc.Type.forSchema(schema).toBuffer(request)]);
  } else {
    const type = avsc.Type.forSchema(
      JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'DeletionRequest.avsc'), 'utf8')));
    const header = Buffer.alloc(10);
    header.writeUInt8(0xc3, 0);
    header.writeUInt8(0x01, 1);
    // type.schema() is the Parsing Canonical Form (full names, no docs, defaults or logical types).
    header.writeBigUInt64LE(fingerprint(JSON.stringify(type.schema())), 2);
    value = Buffer.concat([header, type.toBuffer(request)]);
  }
  const kafka = new Kafka({ clientId: 'lethe-node-example', brokers: args.brokers, logLevel: logLevel.ERROR });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    // Keyed by the request id, as Lethe requires.
    await producer.send({ topic: args.topic, acks: -1, messages: [{ key: request.requestId, value }] });
  } finally {
    await producer.disconnect();
  }
  console.log(request.requestId);
}

main().catch((e) => {
  console.error(`send-deletion-request: ${e.message}`);
  process.exit(1);
});
