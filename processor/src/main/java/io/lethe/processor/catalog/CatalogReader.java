package io.lethe.processor.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lethe.processor.engine.architecture.Architecture;
import io.lethe.processor.engine.architecture.Architectures;
import io.lethe.processor.engine.architecture.TorchScriptModule;
import io.lethe.processor.engine.data.DataException;
import io.lethe.processor.engine.data.DatasetLoader;
import io.lethe.processor.engine.data.DatasetSpec;
import io.lethe.processor.engine.data.ModelData;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningMethod;
import io.lethe.processor.engine.model.ModelSpec;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.engine.settings.Settings;
import io.lethe.processor.engine.verify.DriftPolicy;
import io.lethe.processor.engine.verify.VerificationPolicy;
import io.lethe.processor.topology.BatchPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads a catalog file (YAML, see docs/catalog.md), validates all of it and loads each model's
 * data. Every problem is collected with its path in the file and reported together; nothing starts
 * on a catalog with a problem.
 */
public final class CatalogReader {

  /** Model ids travel in Kafka keys, topic records and URLs: keep them plain. */
  static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  static final String DEFAULT_CLASS_METHOD = "famr";
  static final String DEFAULT_SAMPLE_METHOD = "muso";
  static final long DEFAULT_SEED = 42L;

  private static final long MAX_FILE_BYTES = 1 << 20;

  /** The largest TorchScript module a catalog names (read whole into memory). */
  static final long MAX_MODULE_BYTES = 512L << 20;

  /**
   * Reads and loads {@code file}; relative data paths are resolved against its folder.
   *
   * @throws CatalogException listing every problem
   */
  public ModelCatalog read(Path file) {
    String name = file.toString();
    List<String> problems = new ArrayList<>();
    JsonNode root = parse(file, problems);
    if (root == null) {
      throw new CatalogException(name, problems);
    }
    return read(root, file.toAbsolutePath().getParent(), name, problems);
  }

  /**
   * Reads a catalog given as text (a registration's, whose paths are absolute); {@code name} names
   * it in problems.
   *
   * @throws CatalogException listing every problem
   */
  public ModelCatalog readText(String yaml, String name) {
    List<String> problems = new ArrayList<>();
    JsonNode root = null;
    try {
      root = new YAMLMapper().readTree(yaml);
    } catch (JsonProcessingException e) {
      problems.add("not valid YAML: " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode()) {
      problems.add("empty");
      throw new CatalogException(name, problems);
    }
    return read(root, Path.of("/"), name, problems);
  }

  private ModelCatalog read(JsonNode root, Path baseDir, String name, List<String> problems) {
    Node top = new Node(root, "", problems);
    if (!top.isObject()) {
      throw new CatalogException(name, List.of("the file must be a mapping with a 'models' list"));
    }
    top.allowOnly(Set.of("models"));
    List<Node> entries = top.list("models", true);
    if (entries.isEmpty() && top.has("models")) {
      top.problem("models", "the list is empty: a catalog declares at least one model");
    }
    List<CatalogModel> models = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Node node : entries) {
      int before = problems.size();
      Optional<CatalogEntry> entry = entry(node, baseDir);
      entry
          .map(CatalogEntry::id)
          .filter(id -> !ids.add(id))
          .ifPresent(id -> node.problem("id", "'" + id + "' is declared twice"));
      if (entry.isPresent() && problems.size() == before) {
        load(entry.get(), node, baseDir).ifPresent(models::add);
      }
    }
    if (!problems.isEmpty()) {
      throw new CatalogException(name, problems);
    }
    return new ModelCatalog(models);
  }

  private static JsonNode parse(Path file, List<String> problems) {
    try {
      if (!Files.isRegularFile(file)) {
        problems.add("no such file");
        return null;
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        problems.add("larger than " + MAX_FILE_BYTES + " bytes: not a catalog");
        return null;
      }
      JsonNode root = new YAMLMapper().readTree(file.toFile());
      if (root == null || root.isMissingNode()) {
        problems.add("the file is empty");
        return null;
      }
      return root;
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      problems.add(
          (at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ")
              + "not valid YAML: "
              + e.getOriginalMessage());
      return null;
    } catch (IOException e) {
      problems.add("cannot read: " + e.getMessage());
      return null;
    }
  }

  private Optional<CatalogEntry> entry(Node node, Path baseDir) {
    if (!node.isObject()) {
      node.problem(null, "must be a mapping with id, dataset, model, ...");
      return Optional.empty();
    }
    node.allowOnly(
        Set.of(
            "id",
            "dataset",
            "model",
            "training",
            "unlearning",
            "verification",
            "batching",
            "driftGuard"));
    Optional<String> id = node.text("id", true);
    id.filter(s -> !MODEL_ID.matcher(s).matches())
        .ifPresent(
            s ->
                node.problem(
                    "id",
                    "'" + s + "' is not a model id (letters, digits, '.', '_', '-'; at most 100)"));
    Optional<DatasetSpec> dataset = node.object("dataset", true).flatMap(DatasetSection::read);
    Optional<Architecture> architecture =
        node.object("model", true).flatMap(m -> architecture(m, baseDir));
    Optional<TrainingRecipe> training = training(node);
    Optional<MethodChoice> classMethod = Optional.of(MethodChoice.of(DEFAULT_CLASS_METHOD));
    Optional<MethodChoice> sampleMethod = Optional.of(MethodChoice.of(DEFAULT_SAMPLE_METHOD));
    Escalation escalation = Escalation.RETRAIN;
    boolean oracle = false;
    CalibrationPolicy calibration = CalibrationPolicy.DEFAULTS;
    Optional<Node> unlearning = node.object("unlearning", false);
    if (unlearning.isPresent()) {
      Node u = unlearning.get();
      u.allowOnly(Set.of("class", "samples", "escalation", "oracle", "calibration"));
      calibration = calibration(u);
      classMethod = method(u, "class", ForgetScope.CLASS, DEFAULT_CLASS_METHOD);
      sampleMethod = method(u, "samples", ForgetScope.SAMPLES, DEFAULT_SAMPLE_METHOD);
      escalation = u.text("escalation", false).map(t -> escalation(u, t)).orElse(escalation);
      oracle = u.bool("oracle").orElse(false);
    }
    if (architecture.isPresent() && !architecture.get().trainedByLethe() && !node.has("training")) {
      // A model trained elsewhere comes without Lethe's recipe: nothing to retrain it with, so a
      // failed verification publishes FAILED rather than a model retrained by a guessed recipe.
      if (unlearning.isPresent()
          && unlearning.get().has("escalation")
          && escalation == Escalation.RETRAIN) {
        unlearning
            .get()
            .problem("escalation", "retrain needs a training recipe: add a 'training' section");
      }
      for (var m : List.of(Map.entry("class", classMethod), Map.entry("samples", sampleMethod))) {
        if (m.getValue()
            .filter(c -> c.method().equals(io.lethe.processor.engine.method.Retrain.NAME))
            .isPresent()) {
          unlearning
              .get()
              .problem(
                  m.getKey() + ".method",
                  "retrain needs a training recipe: add a 'training' section");
        }
      }
      if (oracle) {
        unlearning
            .get()
            .problem("oracle", "the oracle is exact retraining: it needs a 'training' section");
      }
      escalation = Escalation.NONE;
    }
    VerificationPolicy verification =
        bound(node, "verification", VerificationPolicy::defaults).orElse(null);
    BatchPolicy batching = bound(node, "batching", () -> BatchPolicy.DEFAULT).orElse(null);
    if (node.has("verification") && verification == null) {
      return Optional.empty();
    }
    DriftPolicy driftGuard = bound(node, "driftGuard", DriftPolicy::defaults).orElse(null);
    if (node.has("driftGuard") && driftGuard == null) {
      return Optional.empty();
    }
    if (id.isEmpty()
        || dataset.isEmpty()
        || architecture.isEmpty()
        || training.isEmpty()
        || classMethod.isEmpty()
        || sampleMethod.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new CatalogEntry(
            id.get(),
            dataset.get(),
            architecture.get(),
            training.get(),
            classMethod.get(),
            sampleMethod.get(),
            escalation,
            oracle,
            verification == null ? VerificationPolicy.defaults() : verification,
            node.has("batching") ? batching : null,
            calibration,
            driftGuard));
  }

  /**
   * {@code unlearning.calibration: {onboarding: true, budget: 20}}; a scope whose method the
   * catalog names is pinned.
   */
  private static CalibrationPolicy calibration(Node unlearning) {
    Set<ForgetScope> pinned = java.util.EnumSet.noneOf(ForgetScope.class);
    if (unlearning.has("class")) {
      pinned.add(ForgetScope.CLASS);
    }
    if (unlearning.has("samples")) {
      pinned.add(ForgetScope.SAMPLES);
    }
    CalibrationPolicy policy = CalibrationPolicy.DEFAULTS.withPinned(pinned);
    Optional<Node> section = unlearning.object("calibration", false);
    if (section.isEmpty()) {
      return policy;
    }
    Node c = section.get();
    c.allowOnly(Set.of("onboarding", "budget"));
    boolean onboarding = c.bool("onboarding").orElse(policy.onboarding());
    int budget = policy.budgetRetrainings();
    Optional<String> text = c.text("budget", false);
    if (text.isPresent()) {
      try {
        budget = Integer.parseInt(text.get());
        return new CalibrationPolicy(onboarding, budget, pinned);
      } catch (IllegalArgumentException e) {
        c.problem(
            "budget",
            "must be a whole number of retrainings from 2 to "
                + CalibrationPolicy.MAX_BUDGET
                + ", got '"
                + text.get()
                + "'");
      }
    }
    return new CalibrationPolicy(onboarding, policy.budgetRetrainings(), pinned);
  }

  private Optional<Architecture> architecture(Node model, Path baseDir) {
    if (model.has("torchscript")) {
      return torchScript(model, baseDir);
    }
    Optional<String> name = model.text("architecture", true);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    if (!Architectures.names().contains(name.get())) {
      model.problem(
          "architecture",
          "unknown architecture '"
              + name.get()
              + "'; known: "
              + String.join(", ", Architectures.names()));
      return Optional.empty();
    }
    try {
      return Optional.of(Architectures.create(name.get(), model.settings(Set.of("architecture"))));
    } catch (IllegalArgumentException e) {
      model.problem(null, e.getMessage());
      return Optional.empty();
    }
  }

  /** {@code model: {torchscript: FILE, head: {weight, bias}, features: METHOD}}. */
  private static Optional<Architecture> torchScript(Node model, Path baseDir) {
    model.allowOnly(Set.of("torchscript", "head", "features"));
    if (model.has("architecture")) {
      model.problem("architecture", "a model is either an architecture or a TorchScript file");
    }
    Optional<String> file = model.text("torchscript", true);
    String weight = null;
    String bias = null;
    Optional<Node> head = model.object("head", false);
    if (head.isPresent()) {
      head.get().allowOnly(Set.of("weight", "bias"));
      weight = head.get().text("weight", true).orElse(null);
      bias = head.get().text("bias", false).orElse(null);
    }
    String features = model.text("features", false).orElse(null);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    Path path = baseDir.resolve(file.get());
    byte[] bytes;
    try {
      if (!Files.isRegularFile(path)) {
        model.problem("torchscript", "no such file: " + file.get());
        return Optional.empty();
      }
      if (Files.size(path) > MAX_MODULE_BYTES) {
        model.problem("torchscript", "larger than " + MAX_MODULE_BYTES + " bytes");
        return Optional.empty();
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      model.problem("torchscript", "cannot read " + file.get() + ": " + e.getMessage());
      return Optional.empty();
    }
    if (head.isPresent() && weight == null) {
      return Optional.empty();
    }
    return Optional.of(new TorchScriptModule(bytes, weight, bias, features));
  }

  private static Optional<TrainingRecipe> training(Node node) {
    Optional<Node> section = node.object("training", false);
    if (section.isEmpty()) {
      return node.has("training")
          ? Optional.empty()
          : Optional.of(new TrainingRecipe(TrainingConfig.defaults(), DEFAULT_SEED));
    }
    Node t = section.get();
    Map<String, String> settings = t.settings(Set.of("seed"));
    long seed = DEFAULT_SEED;
    if (t.has("seed")) {
      String s = t.text("seed", true).orElse("");
      try {
        seed = Long.parseLong(s);
      } catch (NumberFormatException e) {
        t.problem("seed", "must be an integer, got '" + s + "'");
        return Optional.empty();
      }
    }
    try {
      return Optional.of(
          new TrainingRecipe(Settings.bind(TrainingConfig.defaults(), settings, "training"), seed));
    } catch (IllegalArgumentException e) {
      t.problem(null, e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<MethodChoice> method(
      Node unlearning, String field, ForgetScope scope, String defaultMethod) {
    if (!unlearning.has(field)) {
      return Optional.of(MethodChoice.of(defaultMethod));
    }
    Optional<Node> section = unlearning.object(field, true);
    if (section.isEmpty()) {
      return Optional.empty();
    }
    Node m = section.get();
    Optional<String> name = m.text("method", true);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    UnlearningMethod method;
    try {
      method = Methods.byName(name.get());
    } catch (IllegalArgumentException e) {
      m.problem("method", e.getMessage());
      return Optional.empty();
    }
    if (!method.scopes().contains(scope)) {
      m.problem(
          "method",
          name.get()
              + " does not forget "
              + scope.name().toLowerCase(Locale.ROOT)
              + "; methods that do: "
              + String.join(", ", supporting(scope)));
      return Optional.empty();
    }
    Map<String, String> settings = m.settings(Set.of("method"));
    try {
      method.checkSettings(settings);
    } catch (IllegalArgumentException e) {
      m.problem(null, e.getMessage());
      return Optional.empty();
    }
    return Optional.of(new MethodChoice(name.get(), settings));
  }

  private static List<String> supporting(ForgetScope scope) {
    return Methods.all().stream()
        .filter(m -> m.scopes().contains(scope))
        .map(UnlearningMethod::name)
        .toList();
  }

  private static Escalation escalation(Node unlearning, String text) {
    try {
      return Escalation.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      unlearning.problem("escalation", "must be retrain or none, got '" + text + "'");
      return Escalation.RETRAIN;
    }
  }

  private static <R extends Record> Optional<R> bound(
      Node node, String field, Supplier<R> defaults) {
    Optional<Node> section = node.object(field, false);
    if (section.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Settings.bind(defaults.get(), section.get().settings(Set.of()), field));
    } catch (IllegalArgumentException e) {
      section.get().problem(null, e.getMessage());
      return Optional.empty();
    }
  }

  /** Loads the data and checks it against the model: shape, classes, methods. */
  private static Optional<CatalogModel> load(CatalogEntry entry, Node node, Path baseDir) {
    ModelData data;
    try {
      data = DatasetLoader.load(entry.dataset(), baseDir);
    } catch (DataException e) {
      node.problem("dataset" + (e.field() == null ? "" : "." + e.field()), e.getMessage());
      return Optional.empty();
    }
    var train = data.train().data();
    String modelField =
        entry.architecture() instanceof TorchScriptModule
            ? "model.torchscript"
            : "model.architecture";
    try {
      entry.architecture().checkInput(train.shape());
    } catch (IllegalArgumentException e) {
      node.problem(modelField, e.getMessage());
      return Optional.empty();
    }
    if (train.numClasses() < 2) {
      node.problem("dataset.classes", "a classifier needs at least 2 classes");
      return Optional.empty();
    }
    if (!entry.architecture().trainedByLethe() && entry.dataset().standardize()) {
      node.problem(
          "dataset.standardize",
          "a model trained elsewhere is fed the data as it is: standardize inside the module"
              + " (docs/pytorch.md)");
      return Optional.empty();
    }
    ModelSpec spec =
        ModelTrainer.specFor(
            entry.architecture(), train, entry.training().config(), entry.training().seed());
    Optional<String> misfit = entry.architecture().misfit(spec);
    if (misfit.isPresent()) {
      node.problem(modelField, misfit.get());
      return Optional.empty();
    }
    boolean ok = true;
    for (var choice :
        List.of(
            Map.entry("unlearning.class", Map.entry(entry.classMethod(), ForgetScope.CLASS)),
            Map.entry(
                "unlearning.samples", Map.entry(entry.sampleMethod(), ForgetScope.SAMPLES)))) {
      MethodChoice method = choice.getValue().getKey();
      Optional<String> refusal =
          Methods.byName(method.method()).refusal(spec, choice.getValue().getValue());
      if (refusal.isPresent()) {
        node.problem(choice.getKey() + ".method", refusal.get());
        ok = false;
      }
    }
    return ok ? Optional.of(new CatalogModel(entry, data)) : Optional.empty();
  }
}
