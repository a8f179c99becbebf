package io.lethe.processor.worker;

/**
 * A failure worth trying again as it is (the device was busy, a resource was short for a moment):
 * the worker retries the batch with backoff before it publishes anything FAILED. The engine, or
 * anything the worker calls, throws it (or one with it as a cause) to mark a failure transient.
 */
public class TransientFailure extends RuntimeException {
  public TransientFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
