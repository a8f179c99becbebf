package io.lethe.processor.engine.data;

import java.util.List;

/**
 * A model's data as {@link DatasetLoader} read it from the user's files.
 *
 * @param train the rows the model was trained on: its lineage
 * @param test the user's held-out test rows, in the training side's class order and standardization
 * @param classNames class names by class index (declared, or the sorted distinct training labels)
 * @param standardization the training rows' statistics applied to both sides, or null if none
 */
public record ModelData(
    LoadedData train, LoadedData test, List<String> classNames, Standardization standardization) {

  public ModelData {
    classNames = List.copyOf(classNames);
  }

  public SampleShape shape() {
    return train.data().shape();
  }

  public int numClasses() {
    return classNames.size();
  }
}
