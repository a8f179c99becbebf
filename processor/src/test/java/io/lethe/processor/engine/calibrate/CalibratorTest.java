package io.lethe.processor.engine.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.EngineFixtures;
import io.lethe.processor.engine.architecture.Mlp;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.SubjectIndex;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningMethod;
import io.lethe.processor.engine.verify.VerificationPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The calibration on a small MNIST subset (1,200 training rows, an MLP of a few epochs): the choice
 * is the seed's, the budget cuts the search, and a method that hands the parent back is never
 * chosen while a real one is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CalibratorTest {

  private static final int BUDGET = 100;
  private final List<String> lines = new ArrayList<>();
  private Dataset train;
  private CalibrationResult first;

  @BeforeAll
  void calibrateOnce() {
    train = EngineFixtures.smallTrain(1200);
    first = calibrator(BUDGET, 3, few()).calibrate(input(Map.of()), lines::add);
  }

  private CalibrationInput input(Map<ForgetScope, String> pinned) {
    return input(pinned, true);
  }

  private CalibrationInput input(Map<ForgetScope, String> pinned, boolean escalates) {
    return new CalibrationInput(
        new Mlp(),
        train,
        SubjectIndex.empty(),
        null,
        EngineFixtures.quickConfig().withEpochs(6),
        EngineFixtures.SEED,
        VerificationPolicy.defaults(),
        pinned,
        escalates);
  }

  private static Calibrator calibrator(
      int budget, long seed, Map<ForgetScope, List<UnlearningMethod>> candidates) {
    return new Calibrator(new CalibrationOptions(budget, seed), candidates);
  }

  /** The control first in each list: with ties won by the earliest, it would win if it passed. */
  private static Map<ForgetScope, List<UnlearningMethod>> few() {
    return Map.of(
        ForgetScope.CLASS,
        List.of(new NoOpMethod(), Methods.byName("famr"), Methods.byName("ssd")),
        ForgetScope.SAMPLES,
        List.of(new NoOpMethod(), Methods.byName("neggrad-plus"), Methods.byName("finetune")));
  }

  @Test
  void theSameSeedGivesTheSameChoice() {
    CalibrationResult again = calibrator(BUDGET, 3, few()).calibrate(input(Map.of()), s -> {});
    assertEquals(CalibrationResult.Status.CALIBRATED, first.status(), first.reason());
    assertEquals(first.choices(), again.choices());
    assertEquals(first.simulations(), again.simulations());
    assertEquals(
        first.candidates().stream().map(CandidateScore::avgGap).toList(),
        again.candidates().stream().map(CandidateScore::avgGap).toList());
    // Control: the seed is what fixes them (another one draws other deletions).
    CalibrationResult other = calibrator(BUDGET, 4, few()).calibrate(input(Map.of()), s -> {});
    assertNotEquals(first.simulations(), other.simulations());
  }

  @Test
  void aMethodThatHandsTheParentBackIsNeverChosenWhileARealOneIs() {
    for (CandidateScore s : first.candidates()) {
      if (s.method().equals(NoOpMethod.NAME)) {
        assertNotEquals(CandidateScore.PASSED, s.verdict(), s.toString());
        assertFalse(s.chosen(), s.toString());
      }
    }
    for (ForgetScope scope : ForgetScope.values()) {
      Choice choice = first.choices().get(scope);
      assertNotNull(choice, scope + ": " + first.reason());
      assertNotEquals(NoOpMethod.NAME, choice.method());
    }
    // Control: the no-op did run and was scored, on both scopes.
    assertTrue(
        first.candidates().stream()
                .filter(s -> s.method().equals(NoOpMethod.NAME) && s.avgGap() != null)
                .map(CandidateScore::scope)
                .distinct()
                .count()
            == 2);
  }

  @Test
  void aMethodFailingOnlyTheSmallSetsIsChosenWhereTheModelEscalates() {
    Map<ForgetScope, List<UnlearningMethod>> candidates =
        Map.of(ForgetScope.SAMPLES, List.of(new LargeOnlyMethod()));
    Map<ForgetScope, String> classPinned = Map.of(ForgetScope.CLASS, "famr");
    CalibrationResult escalating =
        calibrator(BUDGET, 3, candidates).calibrate(input(classPinned, true), s -> {});
    CalibrationResult not =
        calibrator(BUDGET, 3, candidates).calibrate(input(classPinned, false), s -> {});
    CandidateScore small = only(not, LargeOnlyMethod.NAME);
    // The control: without escalation the small sets' failure fails the method.
    assertEquals(CandidateScore.FAILED, small.verdict(), small.toString());
    assertEquals("retrain", not.choices().get(ForgetScope.SAMPLES).method());
    CandidateScore escalated = only(escalating, LargeOnlyMethod.NAME);
    // Not failed (on the random fraction no check can fail the parent here: INSUFFICIENT).
    assertNotEquals(CandidateScore.FAILED, escalated.verdict(), escalated.toString());
    assertTrue(escalated.reason().contains("escalate to exact retraining"), escalated.reason());
    assertTrue(escalated.costRetrainings() > small.costRetrainings(), "the retraining is counted");
    assertEquals(LargeOnlyMethod.NAME, escalating.choices().get(ForgetScope.SAMPLES).method());
  }

  private static CandidateScore only(CalibrationResult r, String method) {
    return r.candidates().stream()
        .filter(s -> s.method().equals(method))
        .findFirst()
        .orElseThrow(() -> new AssertionError(method + " not tried: " + r));
  }

  @Test
  void progressNamesEveryOracleAndCandidate() {
    assertEquals(
        first.simulations().size(),
        lines.stream().filter(l -> l.startsWith("calibration oracle for ")).count());
    assertEquals(
        first.candidates().size(),
        lines.stream()
            .filter(l -> l.matches("calibration (class|samples) .*: (gap|SKIPPED).*"))
            .count(),
        String.join("\n", lines));
  }

  @Test
  void aSpentBudgetSkipsTheRest() {
    CalibrationResult r =
        new Calibrator(new CalibrationOptions(9, 3)).calibrate(input(Map.of()), s -> {});
    List<CandidateScore> c = r.candidates();
    int firstSkip = -1;
    double largest = 0;
    for (int i = 0; i < c.size(); i++) {
      boolean budget =
          c.get(i).verdict().equals(CandidateScore.SKIPPED)
              && c.get(i).reason().startsWith("budget spent");
      if (budget && firstSkip < 0) {
        firstSkip = i;
      }
      // After the budget nothing runs; exact retraining, the fallback of a scope where nothing
      // tried passed, is listed at the end (it costs nothing more: the oracles are retrainings).
      boolean fallback = c.get(i).method().equals("retrain") && c.get(i).chosen();
      if (firstSkip >= 0 && !fallback) {
        assertEquals(CandidateScore.SKIPPED, c.get(i).verdict(), "after the budget: " + c.get(i));
      }
      largest = Math.max(largest, c.get(i).costRetrainings());
    }
    // The fixed cost is 7 (M0, 2 class and 3 sample oracles, 1 reference): some 2 retrainings left.
    assertTrue(firstSkip > 0, "some candidates ran, then the budget ran out: " + c);
    assertTrue(r.retrainingsUsed() <= 9 + largest, r.retrainingsUsed() + " > 9 + " + largest);
    // Control: with a budget that suffices, nothing is skipped for it.
    assertTrue(
        first.candidates().stream()
            .noneMatch(s -> s.reason() != null && s.reason().startsWith("budget spent")));
  }

  @Test
  void pinnedScopesAreNotSearched() {
    CalibrationResult all =
        calibrator(BUDGET, 3, few())
            .calibrate(
                input(Map.of(ForgetScope.CLASS, "famr", ForgetScope.SAMPLES, "retrain")), s -> {});
    assertEquals(CalibrationResult.Status.PINNED, all.status());
    assertEquals(0, all.retrainingsUsed());
    assertTrue(all.candidates().isEmpty());
    assertTrue(all.choices().get(ForgetScope.SAMPLES).pinned());
    // Control: pinning one scope leaves the other searched.
    assertTrue(first.candidates().stream().anyMatch(s -> s.scope() == ForgetScope.CLASS));
  }

  @Test
  void aBudgetBelowTheFixedCostFails() {
    CalibrationResult r = calibrator(2, 3, few()).calibrate(input(Map.of()), s -> {});
    assertEquals(CalibrationResult.Status.FAILED, r.status());
    assertTrue(r.reason().contains("fixed cost"), r.reason());
  }
}
