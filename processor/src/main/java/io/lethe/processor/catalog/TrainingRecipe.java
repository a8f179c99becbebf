package io.lethe.processor.catalog;

import io.lethe.processor.engine.model.TrainingConfig;

/**
 * How a model is trained, and retrained exactly: the optimizer settings and the seed. Exact
 * retraining with the same recipe and seed reproduces the oracle run after run.
 */
public record TrainingRecipe(TrainingConfig config, long seed) {}
