package io.lethe.registry.internals.db;

import java.util.List;
import java.util.Optional;

/** Calibration reports: appended, read, never changed. */
public interface CalibrationDao {

  /** Stores a report; false, changing nothing, when the model already has one with its content. */
  boolean insert(CalibrationRow row);

  /** The model's latest report: the last one stored. */
  Optional<CalibrationRow> latest(String modelId);

  /** The model's reports, newest first; {@code generation} null for every generation. */
  List<CalibrationRow> list(String modelId, Integer generation, int offset, int limit);

  long count(String modelId, Integer generation);
}
