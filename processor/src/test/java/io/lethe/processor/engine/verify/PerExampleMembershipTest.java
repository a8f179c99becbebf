package io.lethe.processor.engine.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningResult;
import io.lethe.processor.engine.method.UnlearningTask;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingConfig;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-example test tells a remembered small forget set from a forgotten one where the
 * population checks cannot. The scenario is a poisoning take-down on the real patient table: five
 * rows with flipped diagnoses, which a model trained on them learns and a model that never saw them
 * contradicts. Five samples are too few for the population attack and forget accuracy to fail
 * anything (their slack covers every value), so they give the remembered and the forgotten model
 * the same verdict; the per-example test flags the first and not the second.
 */
class PerExampleMembershipTest {
  private static final int POISONED = 5;

  @TempDir Path dir;

  @Test
  void aRememberedSmallForgetSetIsFlaggedAndARetrainedOneIsNot() {
    CatalogModel m = BuiltinCatalog.loadExamples(dir).require(BuiltinCatalog.PATIENTS_MLP);
    long seed = m.entry().training().seed();
    // Long enough to learn the five flipped rows; still a few seconds on the patient table.
    TrainingConfig recipe = m.entry().training().config().withEpochs(60);
    Dataset train = poisoned(m.train());
    Set<Long> forget = new HashSet<>();
    for (int i = 0; i < POISONED; i++) {
      forget.add(train.id(row(i)));
    }
    VerificationPolicy policy = VerificationPolicy.defaults();
    try (ClassifierModel parent =
        ModelTrainer.train(m.entry().architecture(), train, recipe, seed)) {
      UnlearningTask task =
          UnlearningTask.forgetSamples(parent, train, forget, seed).withTrainingConfig(recipe);
      Verifier verifier = new Verifier(m.test(), seed);
      try (ReferencePool pool = ReferencePool.train(task, policy.referenceModels());
          UnlearningResult retrained = Methods.byName("retrain").unlearn(task)) {
        // Remembered: the parent handed back. Forgotten: retrained without the rows. Neither is
        // declared exact, so both are judged on what the checks can see.
        VerificationReport remembered =
            verifier.verify(parent, task, 1L, null, null, false, pool.models());
        VerificationReport forgotten =
            verifier.verify(retrained.model(), task, 1L, null, null, false, pool.models());
        PerExampleEvidence r = remembered.evidence().perExample();
        PerExampleEvidence f = forgotten.evidence().perExample();
        System.out.printf("remembered %s%nforgotten %s%n", r, f);

        // The population checks give both the same verdict: they pass whatever happened.
        assertEquals(populationVerdict(policy, remembered), populationVerdict(policy, forgotten));
        assertEquals(List.of(true, true), populationVerdict(policy, remembered));

        // The per-example test sees the difference, and has the power to (it flags the parent).
        assertTrue(r.hasPower(), r.toString());
        assertFalse(r.passes(), r.toString());
        assertTrue(f.passes(), f.toString());
        assertTrue(r.worstScore() > PerExampleMembership.THRESHOLD, r.toString());
        assertEquals(PolicyOutcome.Status.FAILED, policy.evaluate(remembered).status());
        assertEquals(List.of("per-example"), policy.evaluate(remembered).failedChecks());
        PolicyOutcome ok = policy.evaluate(forgotten);
        assertEquals(PolicyOutcome.Status.PASSED, ok.status(), ok.details().toString());
      }
    }
  }

  /** The forget-accuracy and MIA checks' results (pass or fail), without the per-example test. */
  private static List<Boolean> populationVerdict(VerificationPolicy policy, VerificationReport r) {
    VerificationReport population =
        r.withEvidence(
            new Evidence(
                true,
                r.evidence().parentForgetAccuracy(),
                r.evidence().parentTestAccuracy(),
                r.evidence().parentMia(),
                null));
    List<String> failed = policy.evaluate(population).failedChecks();
    return List.of(!failed.contains("forget-accuracy"), !failed.contains("mia"));
  }

  /** Row positions of the poisoned rows: spread over the table. */
  private static int row(int i) {
    return 11 + 83 * i;
  }

  /** The training rows with the diagnoses of the poisoned rows flipped. */
  private static Dataset poisoned(Dataset train) {
    int n = train.size();
    int d = train.featureSize();
    float[] values = new float[n * d];
    int[] labels = train.labels();
    for (int i = 0; i < n; i++) {
      train.copyFeatures(i, values, i * d);
    }
    for (int i = 0; i < POISONED; i++) {
      labels[row(i)] = 1 - labels[row(i)];
    }
    return Dataset.of(values, labels, train.ids(), train.shape(), train.numClasses());
  }
}
