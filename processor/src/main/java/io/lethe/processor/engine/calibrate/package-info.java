/**
 * Calibration of a model's unlearning on its own training rows: simulated deletions, the exact
 * oracle retrained for each, and a bounded search over each candidate method's settings grid,
 * scored by the gap to the oracle and the verification policy's verdict. Never touches a test set.
 * No Kafka and no Avro here: the worker carries the result.
 */
package io.lethe.processor.engine.calibrate;
