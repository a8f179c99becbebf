/**
 * The Kafka-free unlearning engine: datasets, models, unlearning methods, verification and the
 * benchmark.
 *
 * <p>Nothing under this package may import Kafka; the worker calls into it. Entry points: {@link
 * io.lethe.processor.engine.model.ModelTrainer} to train, {@link
 * io.lethe.processor.engine.method.Methods} to pick an unlearning method, {@link
 * io.lethe.processor.engine.verify.Verifier} and {@link
 * io.lethe.processor.engine.verify.VerificationPolicy} to check the result.
 */
package io.lethe.processor.engine;
