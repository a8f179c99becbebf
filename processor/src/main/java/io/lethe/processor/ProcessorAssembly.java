package io.lethe.processor;

import io.lethe.kafka.LetheTopics;
import io.lethe.processor.calibration.CalibrationFeed;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.LiveCatalog;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.planner.UnlearningPlanner;
import io.lethe.processor.registration.CatalogFollower;
import io.lethe.processor.registration.ModelFeed;
import io.lethe.processor.registration.RegistrationRequestFollower;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.topology.ModelDirectory;
import io.lethe.processor.topology.TopologyEvents;
import io.lethe.processor.topology.TopologySettings;
import io.lethe.processor.worker.WorkerListener;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Puts a processor together from a model catalog: the catalog is the topology's model directory
 * (with each model's own batch limits), the planner is the worker's unlearner. The one assembly
 * that {@code lethe processor}, the demo, the pipeline benchmark and the tests use.
 */
public final class ProcessorAssembly {

  private final LiveCatalog catalog;
  private final UnlearningPlanner planner;
  private final Path registrationDir;

  /** Relative paths of REST registrations resolve against the working directory. */
  public ProcessorAssembly(ModelCatalog catalog) {
    this(catalog, Path.of(""));
  }

  /**
   * @param registrationDir what relative paths in a registration made through the registry's REST
   *     API are relative to
   */
  public ProcessorAssembly(ModelCatalog catalog, Path registrationDir) {
    this.catalog = new LiveCatalog(catalog);
    this.planner = new UnlearningPlanner(this.catalog);
    this.registrationDir = registrationDir.toAbsolutePath().normalize();
  }

  /** The models served: those it started with and those registered since. */
  public LiveCatalog catalog() {
    return catalog;
  }

  public UnlearningPlanner planner() {
    return planner;
  }

  /** The models served now. */
  public List<String> modelIds() {
    return catalog.snapshot().ids();
  }

  /** The catalog as the topology sees it: which models exist and how many classes each has. */
  public ModelDirectory directory() {
    return modelId ->
        catalog
            .find(modelId)
            .map(m -> new ModelDirectory.ModelInfo(m.id(), m.numClasses()))
            .or(Optional::empty);
  }

  /** Topology settings with the catalog's models and their batch limits (as they change). */
  public TopologySettings topology(BatchPolicy defaultPolicy, TopologyEvents events) {
    TopologySettings defaults = TopologySettings.defaults(directory());
    return new TopologySettings(
        directory(),
        defaultPolicy,
        new LivePolicies(),
        defaults.dedupeRetention(),
        defaults.punctuateInterval(),
        events);
  }

  /** Each model's own batch limits, read from the live catalog at every lookup. */
  private final class LivePolicies extends AbstractMap<String, BatchPolicy> {
    @Override
    public BatchPolicy get(Object modelId) {
      return modelId instanceof String id
          ? catalog.find(id).map(m -> m.entry().batching()).orElse(null)
          : null;
    }

    @Override
    public BatchPolicy getOrDefault(Object modelId, BatchPolicy fallback) {
      BatchPolicy p = get(modelId);
      return p == null ? fallback : p;
    }

    @Override
    public Set<Entry<String, BatchPolicy>> entrySet() {
      Map<String, BatchPolicy> now = new LinkedHashMap<>();
      for (CatalogModel m : catalog.snapshot().models()) {
        if (m.entry().batching() != null) {
          now.put(m.id(), m.entry().batching());
        }
      }
      return now.entrySet();
    }
  }

  /**
   * The processor over {@code dataDir} (its Streams state and artifacts) with the default names;
   * {@code customize} may adjust the settings (ids, overrides) before it is built.
   */
  public LetheProcessor processor(
      String bootstrapServers,
      Path dataDir,
      LetheTopics topics,
      BatchPolicy defaultPolicy,
      TopologyEvents events,
      WorkerListener listener,
      UnaryOperator<LetheProcessor.Settings> customize) {
    LetheProcessor.Settings settings =
        customize.apply(
            LetheProcessor.Settings.defaults(
                bootstrapServers, dataDir, topology(defaultPolicy, events)));
    return new LetheProcessor(
        settings,
        topics,
        planner,
        listener,
        (s, artifacts) ->
            ModelFeed.both(
                ModelFeed.both(
                    new CatalogFollower(
                        s.bootstrapServers(),
                        s.kafkaClient(),
                        topics,
                        catalog,
                        artifacts,
                        s.workerId() + "-registrations"),
                    new RegistrationRequestFollower(
                        s.bootstrapServers(),
                        s.kafkaClient(),
                        topics,
                        registrationDir,
                        s.workerId())),
                // After the registrations: models registered at run time are calibrated too.
                new CalibrationFeed(
                    s.bootstrapServers(), s.kafkaClient(), topics, catalog, planner)));
  }
}
