package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.method.ForgetScope;

/**
 * One deletion the calibration simulated on the training rows.
 *
 * @param name what it forgot, e.g. {@code class 3}, {@code random 10%}, {@code subject 2}
 * @param scope its scope
 * @param forgetSetSize the rows it forgot
 */
public record SimulatedDeletion(String name, ForgetScope scope, int forgetSetSize) {}
