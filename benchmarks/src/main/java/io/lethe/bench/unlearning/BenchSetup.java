package io.lethe.bench.unlearning;

import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.MethodChoice;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.engine.architecture.Architecture;
import io.lethe.processor.engine.data.BuiltinDatasets;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.data.IdxReader;
import io.lethe.processor.engine.data.Standardization;
import io.lethe.processor.engine.data.SubjectIndex;
import io.lethe.processor.engine.method.Budget;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.planner.UnlearningPlanner;
import java.util.HashMap;
import java.util.Map;

/**
 * What one benchmark run works on: the data (training rows, the unseen rows TA and MIA are measured
 * on, validation rows for methods that tune themselves), the model and its recipe, and the method
 * settings a catalog pins.
 *
 * @param pinned settings per method name that the catalog entry gives (others use defaults)
 * @param subjects which training rows each data subject owns (empty for IDX data)
 * @param standardization the inputs' standardization, or null
 */
record BenchSetup(
    String dataset,
    Dataset train,
    Dataset unseen,
    String unseenName,
    Dataset validation,
    Architecture architecture,
    TrainingConfig config,
    long seed,
    Map<String, Budget> pinned,
    SubjectIndex subjects,
    Standardization standardization) {

  /**
   * An IDX file pair (or the built-in MNIST-10k) split by the benchmark itself, 70/10/20 with the
   * seed, as the published tables were made.
   */
  static BenchSetup idx(BenchmarkOptions options) {
    Dataset data =
        options.images() == null
            ? BuiltinDatasets.mnist10k()
            : IdxReader.read(options.images(), options.labels());
    String name =
        options.images() == null ? "built-in MNIST-10k" : options.images().getFileName().toString();
    DatasetSplit split = DatasetSplit.of(data, options.seed());
    boolean onValidation = options.evaluateOnValidation();
    return new BenchSetup(
        name,
        split.train(),
        onValidation ? split.validation() : split.test(),
        onValidation ? "validation" : "test",
        split.validation(),
        options.architecture(),
        TrainingConfig.defaults().withEpochs(options.epochs()),
        options.seed(),
        Map.of(),
        SubjectIndex.empty(),
        null);
  }

  /**
   * A catalog model on the user's own split: its training rows, its test set, its architecture,
   * recipe and seed, and its methods' settings. Validation rows come from the training side.
   */
  static BenchSetup catalog(BenchmarkOptions options) {
    if (options.evaluateOnValidation()) {
      throw new IllegalArgumentException(
          "--eval-on-validation splits the data itself; with --catalog, name a validation file as"
              + " the test set in a copy of the catalog instead");
    }
    CatalogModel model = ModelCatalog.load(options.catalog()).require(options.modelId());
    var entry = model.entry();
    Map<String, Budget> pinned = new HashMap<>();
    for (MethodChoice m : new MethodChoice[] {entry.classMethod(), entry.sampleMethod()}) {
      pinned.put(m.method(), m.budget());
    }
    Dataset train = model.train();
    // The same rule as the worker's planner: validation rows from the training side.
    Dataset validation = UnlearningPlanner.validationRows(train, entry.training().seed());
    return new BenchSetup(
        options.catalog().getFileName() + " model " + model.id(),
        train,
        model.test(),
        "test",
        validation,
        entry.architecture(),
        entry.training().config(),
        entry.training().seed(),
        Map.copyOf(pinned),
        model.subjects(),
        model.data().standardization());
  }

  /** The settings for {@code method}: the catalog's when it pins them, else {@code fallback}. */
  Budget budgetFor(String method, Budget fallback) {
    return fallback.asMap().isEmpty() ? pinned.getOrDefault(method, fallback) : fallback;
  }
}
