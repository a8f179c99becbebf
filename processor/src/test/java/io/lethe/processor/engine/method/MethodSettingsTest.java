package io.lethe.processor.engine.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.EngineFixtures;
import io.lethe.processor.engine.architecture.Mlp;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.ModelSpec;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.engine.settings.Settings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The methods' typed settings, the shared skeleton and the load-time checks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MethodSettingsTest {

  private Dataset train;
  private ClassifierModel model;

  @BeforeAll
  void trainModel() {
    train = EngineFixtures.smallTrain(300);
    model =
        ModelTrainer.train(
            new Mlp(new Mlp.Sizes(new int[] {16})),
            train,
            TrainingConfig.defaults().withEpochs(1),
            1);
  }

  @AfterAll
  void close() {
    model.close();
  }

  /** The keys each method read before its settings were typed: all still accepted by name. */
  @Test
  void everyKeyReadBeforeIsStillASetting() {
    Map<String, List<String>> keys =
        Map.of(
            "retrain", List.of(),
            "sisa", List.of(),
            "finetune", List.of("epochs", "lr", "batch"),
            "neggrad-plus", List.of("epochs", "lr", "alpha", "batch"),
            "muso",
                List.of("rounds", "epochs", "lr", "retainSamples", "ridge", "temperature", "batch"),
            "mnemonic",
                List.of(
                    "codeSamples",
                    "safety",
                    "fisherBatch",
                    "forgetFisherBatch",
                    "topFraction",
                    "maxScale",
                    "searchSteps"),
            "famr",
                List.of(
                    "lambda",
                    "optimizer",
                    "lr",
                    "batch",
                    "maxEpochs",
                    "checkEvery",
                    "checkSamples",
                    "targetForgetAccuracy",
                    "uniform"),
            "slug",
                List.of(
                    "targetForgetAccuracy",
                    "maxStep",
                    "searchSteps",
                    "forgetSamples",
                    "retainSamples",
                    "evalSamples"),
            "ssd", List.of("alpha", "lambda", "retainSamples", "batch"));
    // methods added after the typing: their settings as documented
    keys = new java.util.HashMap<>(keys);
    keys.put("salun", List.of("saliency", "lr", "epochs", "retainRatio", "batch", "saliencyBatch"));
    keys.put("scrub", List.of("lr", "maxSteps", "minSteps", "alpha", "temperature", "batch"));
    assertEquals(Set.copyOf(Methods.names()), keys.keySet());
    for (UnlearningMethod m : Methods.all()) {
      assertEquals(keys.get(m.name()), Settings.keys(m.settingsType()), m.name());
    }
  }

  @Test
  void defaultsAreTheValuesTheBenchmarkMeasured() {
    assertEquals(
        new Famr.Settings(
            0.1f, Famr.Optimizer.SGD, 0.02f, 64, 10, 1, 512, 0.0, Famr.Uniform.REMAINING),
        Famr.Settings.DEFAULTS);
    assertEquals(new FineTune.Settings(2, 1e-3f, 64), FineTune.Settings.DEFAULTS);
    assertEquals(
        new NegGradPlus.Settings(1, 1e-4f, 0.99f, 64), NegGradPlus.Settings.CLASS_DEFAULTS);
    assertEquals(
        new NegGradPlus.Settings(1, 1e-3f, 0.95f, 64), NegGradPlus.Settings.SAMPLES_DEFAULTS);
    assertEquals(new Muso.Settings(2, 2, 5e-4f, 3000, 1e-3, 0.1, 64), Muso.Settings.DEFAULTS);
    assertEquals(
        new MnemonicCode.Settings(16, 4.0, 16, 4, 0.05, 8, 12), MnemonicCode.Settings.DEFAULTS);
    assertEquals(new Slug.Settings(0.0, 4.0, 10, 256, 256, 500), Slug.Settings.DEFAULTS);
    assertEquals(new Ssd.Settings(100, 1, 2000, 32), Ssd.Settings.DEFAULTS);
    assertEquals(new SalUn.Settings(0.2, 1e-3f, 4, 3.0, 64, 256), SalUn.Settings.DEFAULTS);
    assertEquals(new SalUn.Settings(0.5, 5e-4f, 3, 4.0, 64, 256), SalUn.Settings.CLASS_DEFAULTS);
    assertSame(SalUn.Settings.CLASS_DEFAULTS, new SalUn().defaultSettings(ForgetScope.CLASS));
    assertEquals(new Scrub.Settings(3e-3f, 20, 60, 1.0, 4.0, 64), Scrub.Settings.DEFAULTS);
    UnlearningMethod neggrad = Methods.byName("neggrad-plus");
    assertSame(NegGradPlus.Settings.CLASS_DEFAULTS, neggrad.defaultSettings(ForgetScope.CLASS));
    assertSame(NegGradPlus.Settings.SAMPLES_DEFAULTS, neggrad.defaultSettings(ForgetScope.SAMPLES));
  }

  @Test
  void describedDefaultsRoundTripThroughBind() {
    for (UnlearningMethod m : Methods.all()) {
      for (ForgetScope scope : m.scopes()) {
        Record defaults = m.defaultSettings(scope);
        assertEquals(m.settingsType(), defaults.getClass());
        Map<String, String> described = Settings.describe(defaults);
        assertEquals(Settings.keys(m.settingsType()), List.copyOf(described.keySet()));
        assertEquals(defaults, Settings.bind(defaults, described, m.name()), m.name());
        m.checkSettings(described);
      }
    }
    Famr.Settings changed =
        Settings.bind(
            Famr.Settings.DEFAULTS, Map.of("optimizer", "adam", "uniform", "all"), "famr");
    assertEquals(
        changed, Settings.bind(Famr.Settings.DEFAULTS, Settings.describe(changed), "famr"));
  }

  @Test
  void anUnknownSettingIsRefusedNamingTheMethodAndTheKnownKeys() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Methods.byName("famr").checkSettings(Map.of("learningRate", "0.1")));
    assertTrue(e.getMessage().contains("'learningRate'"), e.getMessage());
    assertTrue(e.getMessage().contains("famr"), e.getMessage());
    assertTrue(
        e.getMessage().contains(String.join(", ", Settings.keys(Famr.Settings.class))),
        e.getMessage());

    // at run time too, before any work
    UnlearningTask task =
        UnlearningTask.forgetClasses(model, train, Set.of(2), 1)
            .withBudget(Budget.empty().with("epoch", 3));
    IllegalArgumentException atRun =
        assertThrows(
            IllegalArgumentException.class, () -> Methods.byName("neggrad-plus").unlearn(task));
    assertTrue(atRun.getMessage().contains("neggrad-plus"), atRun.getMessage());
    assertTrue(atRun.getMessage().contains("known: epochs, lr, alpha, batch"), atRun.getMessage());

    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () -> Methods.byName("retrain").checkSettings(Map.of("epochs", "3")));
    assertTrue(none.getMessage().contains("retrain takes no settings"), none.getMessage());
  }

  @Test
  void aBadValueIsRefusedWithAClearMessage() {
    UnlearningMethod famr = Methods.byName("famr");
    assertMessage(famr, Map.of("lr", "-1"), "famr: lr must be a finite number > 0, got -1.0");
    assertMessage(famr, Map.of("checkEvery", "0"), "famr: checkEvery must be in 1..");
    assertMessage(
        famr, Map.of("batch", "many"), "setting 'batch' of famr must be a int, got 'many'");
    assertMessage(
        famr,
        Map.of("optimizer", "rmsprop"),
        "setting 'optimizer' of famr must be one of sgd, adam, got 'rmsprop'");
    assertMessage(
        famr, Map.of("targetForgetAccuracy", "1.5"), "targetForgetAccuracy must be in [0.0, 1.0]");
    assertMessage(
        Methods.byName("neggrad-plus"), Map.of("alpha", "NaN"), "alpha must be in [0.0, 1.0]");
    assertMessage(
        Methods.byName("mnemonic"), Map.of("topFraction", "0"), "topFraction must be in (0, 1]");
    assertMessage(
        Methods.byName("ssd"), Map.of("retainSamples", "0"), "retainSamples must be in 1..");
    // a good value passes
    famr.checkSettings(Map.of("lr", "0.5", "optimizer", "adam", "uniform", "all"));
  }

  @Test
  void notesCarryTheSettingsUsedThenWhatTheMethodAdds() {
    UnlearningTask task =
        UnlearningTask.forgetClasses(model, train, Set.of(2), 1)
            .withBudget(Budget.empty().with("lr", "0.01").with("maxEpochs", 1));
    try (UnlearningResult result = Methods.byName("famr").unlearn(task)) {
      Famr.Settings used =
          Settings.bind(Famr.Settings.DEFAULTS, Map.of("lr", "0.01", "maxEpochs", "1"), "famr");
      Map<String, String> expected = Settings.describe(used);
      assertEquals(
          List.copyOf(expected.entrySet()),
          result.notes().entrySet().stream().limit(expected.size()).toList());
      assertTrue(result.notes().containsKey("steps"), result.notes().toString());
      assertEquals("0.01", result.notes().get("lr"));
    }
    UnlearningTask samples =
        UnlearningTask.forgetSamples(model, train, Set.of(train.id(0), train.id(1)), 1);
    try (UnlearningResult result = Methods.byName("neggrad-plus").unlearn(samples)) {
      assertEquals("0.001", result.notes().get("lr"), "the SAMPLES default");
      assertEquals("0.95", result.notes().get("alpha"));
    }
  }

  @Test
  void refusalsSayWhyAMethodCannotRunOnAModel() {
    ModelSpec single = model.spec();
    ModelSpec ensemble = single.withShards(3);
    ModelSpec withoutCodes =
        ModelTrainer.specFor(
            new Mlp(), train, TrainingConfig.defaults().withMnemonicCodes(false), 1);
    assertTrue(single.hasMnemonicCodes());
    assertEquals(
        "needs a SISA ensemble trained with ModelTrainer.trainSisa; this model is a single mlp"
            + " network",
        Methods.byName("sisa").refusal(single, ForgetScope.SAMPLES).orElseThrow());
    assertFalse(Methods.byName("sisa").refusal(ensemble, ForgetScope.SAMPLES).isPresent());
    assertTrue(
        Methods.byName("muso")
            .refusal(ensemble, ForgetScope.CLASS)
            .orElseThrow()
            .contains("SISA ensemble"));
    assertTrue(
        Methods.byName("mnemonic")
            .refusal(withoutCodes, ForgetScope.CLASS)
            .orElseThrow()
            .contains("mnemonic codes"));
    assertFalse(Methods.byName("mnemonic").refusal(single, ForgetScope.CLASS).isPresent());
    assertTrue(
        Methods.byName("famr")
            .refusal(single, ForgetScope.SAMPLES)
            .orElseThrow()
            .contains("does not support scope SAMPLES"));
    for (UnlearningMethod m : List.of(Methods.byName("finetune"), Methods.byName("ssd"))) {
      for (ForgetScope scope : ForgetScope.values()) {
        assertFalse(m.refusal(single, scope).isPresent(), m.name() + " " + scope);
      }
    }
  }

  @Test
  void theWorkingCopyIsClosedWhenTheMethodFails() {
    ClassifierModel[] seen = new ClassifierModel[1];
    UnlearningMethod failing =
        new AbstractUnlearningMethod<FineTune.Settings>("failing", FineTune.Settings.DEFAULTS) {
          @Override
          protected void run(Run<FineTune.Settings> run) {
            seen[0] = run.model();
            throw new IllegalStateException("boom");
          }
        };
    UnlearningTask task = UnlearningTask.forgetClasses(model, train, Set.of(2), 1);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> failing.unlearn(task));
    assertEquals("boom", e.getMessage());
    assertTrue(seen[0] != null && seen[0] != model, "ran on a copy");
    assertFalse(seen[0].manager().isOpen(), "the copy was not closed");
    assertTrue(model.manager().isOpen(), "the original was closed");
  }

  private static void assertMessage(
      UnlearningMethod method, Map<String, String> settings, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> method.checkSettings(settings));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
