package io.lethe.processor.catalog;

import io.lethe.processor.engine.data.DataException;
import io.lethe.processor.engine.data.DatasetSpec;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code dataset} section of a catalog entry, read into a {@link DatasetSpec}: its keys are the
 * spec's properties, so a problem the data layer reports ({@link DataException#field()}) has the
 * same path in the file.
 */
final class DatasetSection {

  private DatasetSection() {}

  static Optional<DatasetSpec> read(Node d) {
    d.allowOnly(
        Set.of(
            "format",
            "train",
            "trainLabels",
            "test",
            "testLabels",
            "columns",
            "split",
            "classes",
            "standardize",
            "arrays",
            "subjects"));
    Optional<DatasetSpec.Format> format =
        d.text("format", true)
            .flatMap(
                f -> {
                  try {
                    return Optional.of(DatasetSpec.Format.valueOf(f.toUpperCase(Locale.ROOT)));
                  } catch (IllegalArgumentException e) {
                    d.problem("format", "must be idx, csv or npz, got '" + f + "'");
                    return Optional.empty();
                  }
                });
    DatasetSpec.Columns columns =
        d.object("columns", false)
            .map(
                c -> {
                  c.allowOnly(Set.of("sampleId", "subject", "label", "features"));
                  return new DatasetSpec.Columns(
                      c.text("sampleId", false).orElse(null),
                      c.text("subject", false).orElse(null),
                      c.text("label", false).orElse(null),
                      c.strings("features").orElse(List.of()));
                })
            .orElse(null);
    DatasetSpec.Split split = null;
    Optional<Node> splitNode = d.object("split", false);
    if (splitNode.isPresent()) {
      Node s = splitNode.get();
      s.allowOnly(Set.of("column", "train", "test"));
      try {
        split =
            new DatasetSpec.Split(
                s.text("column", false).orElse(null),
                s.text("train", false).orElse(null),
                s.text("test", false).orElse(null));
      } catch (DataException e) {
        d.problem(e.field(), e.getMessage());
      }
    }
    DatasetSpec.NpzArrays arrays =
        d.object("arrays", false)
            .map(
                a -> {
                  a.allowOnly(Set.of("x", "y", "sampleId", "subjectId"));
                  return new DatasetSpec.NpzArrays(
                      a.text("x", false).orElse(null),
                      a.text("y", false).orElse(null),
                      a.text("sampleId", false).orElse(null),
                      a.text("subjectId", false).orElse(null));
                })
            .orElse(null);
    if (format.isEmpty()) {
      return Optional.empty();
    }
    DatasetSpec spec =
        new DatasetSpec(
            format.get(),
            d.text("train", false).orElse(null),
            d.text("trainLabels", false).orElse(null),
            d.text("test", false).orElse(null),
            d.text("testLabels", false).orElse(null),
            columns,
            split,
            d.strings("classes").orElse(List.of()),
            d.bool("standardize").orElse(false),
            arrays,
            d.text("subjects", false).orElse(null));
    try {
      spec.check();
    } catch (DataException e) {
      d.problem(e.field(), e.getMessage());
      return Optional.empty();
    }
    return Optional.of(spec);
  }
}
