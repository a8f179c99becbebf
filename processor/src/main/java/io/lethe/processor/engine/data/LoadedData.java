package io.lethe.processor.engine.data;

/**
 * One side of a model's data: the samples and which subject owns each.
 *
 * @param data the samples (features standardized where the spec asks)
 * @param subjects the subjects of these samples; for a test set only those the data names
 */
public record LoadedData(Dataset data, SubjectIndex subjects) {}
