package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.method.Budget;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.Retrain;
import io.lethe.processor.engine.method.UnlearningMethod;
import io.lethe.processor.engine.method.UnlearningResult;
import io.lethe.processor.engine.method.UnlearningTask;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.Evaluator.Evaluation;
import io.lethe.processor.engine.model.ModelSpec;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.verify.Evidence;
import io.lethe.processor.engine.verify.PerExampleEvidence;
import io.lethe.processor.engine.verify.PerExampleMembership;
import io.lethe.processor.engine.verify.PolicyOutcome;
import io.lethe.processor.engine.verify.VerificationReport;
import io.lethe.processor.engine.verify.Verifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Calibrates a model's unlearning on its own training rows, never its test set (docs/engine.md,
 * "Calibration"):
 *
 * <ol>
 *   <li>carves held-out rows H out of the training rows ({@link HeldOutSplit}) and trains its own
 *       original M0 on the rest T with the model's recipe and seed;
 *   <li>simulates deletions out of T ({@link DeletionDraw}) and retrains the exact oracle of each;
 *   <li>runs every candidate (a method at one point of its {@link
 *       UnlearningMethod#calibrationGrid}) on M0 for each simulation of its scope and scores it by
 *       the mean |gap| to the oracle over UA, RA, held-out accuracy (on H) and MIA (forget vs H),
 *       with the model's policy's verdict (H standing in for the test set);
 *   <li>chooses per scope the lowest gap among the PASSED candidates (INSUFFICIENT ones only when
 *       none passed, and the result says so), preferring among those within {@link #TOLERANCE} of
 *       the best the earliest in the order tried; a candidate must also beat doing nothing (the
 *       parent's own gap to the oracle) by more than the tolerance, so a method that hands the
 *       parent back is never chosen, whatever the checks could see.
 * </ol>
 *
 * <p>The small subjects' simulations get the per-example membership test with two reference models:
 * their own oracle and one more retraining without every small set (1 retraining for all of them).
 * Where that test cannot flag the parent (no power) it is left out rather than trusted. Their Avg
 * Gap does not enter the score where larger simulations exist (on a handful of rows UA and MIA are
 * noise); they count through their verdict.
 *
 * <p>Cost is counted in retrainings of the model: 1 for M0, 1 per oracle, and each candidate's wall
 * time over the oracles' mean. Candidates are tried cheapest grid point first, all methods and both
 * scopes in turn, and once the budget is spent the rest are SKIPPED. The choice depends on the seed
 * only: measured time never picks a candidate, it only decides where a spent budget cuts the
 * search.
 */
public final class Calibrator {

  /** Candidates within this gap (0.25 points) of the best count as ties: the earliest wins. */
  static final double TOLERANCE = 0.0025;

  /** Retain rows RA is measured on, at most (seeded sample). */
  static final int MEASURED_RETAIN = 5_000;

  /** Validation rows a method may tune itself on: from the retain side, as the worker's. */
  static final int VALIDATION_ROWS = 1_000;

  private final CalibrationOptions options;
  private final Map<ForgetScope, List<UnlearningMethod>> candidates;

  /** A calibrator over the default candidates ({@link CandidateMethods}). */
  public Calibrator(CalibrationOptions options) {
    this(options, CandidateMethods.defaults());
  }

  /**
   * A calibrator over the given candidates per scope, tried in list order at each grid rank.
   *
   * @param candidates per scope the methods to try; a scope missing here is not searched
   */
  public Calibrator(
      CalibrationOptions options, Map<ForgetScope, List<UnlearningMethod>> candidates) {
    this.options = Objects.requireNonNull(options, "options");
    Map<ForgetScope, List<UnlearningMethod>> copy = new EnumMap<>(ForgetScope.class);
    candidates.forEach((scope, list) -> copy.put(scope, List.copyOf(list)));
    this.candidates = copy;
  }

  /**
   * Calibrates.
   *
   * @param progress receives one line per step: the split, M0, each oracle, each candidate (its
   *     gap, cost and verdict) and the choices
   */
  public CalibrationResult calibrate(CalibrationInput in, Consumer<String> progress) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(progress, "progress");
    long started = System.nanoTime();
    Map<ForgetScope, Choice> choices = new EnumMap<>(ForgetScope.class);
    in.pinnedMethods()
        .forEach((scope, method) -> choices.put(scope, new Choice(scope, method, Map.of(), true)));
    List<ForgetScope> searched = new ArrayList<>();
    for (ForgetScope scope : ForgetScope.values()) {
      if (!in.pinnedMethods().containsKey(scope) && candidates.containsKey(scope)) {
        searched.add(scope);
      }
    }
    Run run = new Run(in, progress, started, choices);
    if (searched.isEmpty()) {
      return run.result(CalibrationResult.Status.PINNED, "every scope is pinned; nothing searched");
    }
    if (!in.architecture().trainedByLethe()) {
      return run.result(
          CalibrationResult.Status.FAILED,
          "a model trained elsewhere comes without a recipe Lethe can retrain it with, and"
              + " calibration needs exact retraining (its oracles); pin the methods instead");
    }
    HeldOutSplit split = HeldOutSplit.of(in.train(), options.seed());
    Dataset rest = split.rest();
    Dataset heldOut = split.heldOut();
    List<Deletion> deletions = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    if (searched.contains(ForgetScope.CLASS)) {
      List<Deletion> classes = DeletionDraw.classDeletions(rest, heldOut, options.seed());
      if (classes.isEmpty()) {
        notes.add("CLASS: no class has enough rows to simulate forgetting it; not calibrated");
        searched.remove(ForgetScope.CLASS);
      }
      deletions.addAll(classes);
    }
    if (searched.contains(ForgetScope.SAMPLES)) {
      deletions.addAll(DeletionDraw.sampleDeletions(rest, in.subjects(), options.seed()));
    }
    run.deletions = deletions.stream().map(Deletion::describe).toList();
    List<Deletion> small = deletions.stream().filter(Deletion::small).toList();
    // One more retraining, without every small set, is a second reference model for each of them
    // (the first is its own oracle): the per-example test then sees into sets too small for the
    // population checks. Trained on T less a few dozen rows, it matches the oracles' data size.
    boolean references =
        small.size() >= 2
            && in.policy().referenceModels() >= 2
            && small.stream().allMatch(d -> d.forget().size() < PerExampleMembership.APPLIES_BELOW);
    int fixed = 1 + deletions.size() + (references ? 1 : 0);
    if (fixed > options.budgetRetrainings()) {
      return run.result(
          CalibrationResult.Status.FAILED,
          String.format(
              Locale.ROOT,
              "a budget of %d retrainings is below the fixed cost of %d (the calibration's original"
                  + " and one oracle per simulated deletion)",
              options.budgetRetrainings(),
              fixed));
    }
    run.line(
        "calibration: %d training rows, %d held out (H, never trained on), %d to train on (T);"
            + " %d simulated deletions; budget %d retrainings",
        in.train().size(),
        heldOut.size(),
        rest.size(),
        deletions.size(),
        options.budgetRetrainings());
    ModelSpec spec =
        ModelTrainer.specFor(in.architecture(), rest, in.training(), in.trainingSeed())
            .withInputStandardization(in.standardization());
    long t0 = System.nanoTime();
    try (ClassifierModel original =
        ModelTrainer.train(spec, rest, in.training(), in.trainingSeed())) {
      run.line(
          "calibration: original M0 trained on T in %.1f s, held-out accuracy %.2f %%",
          (System.nanoTime() - t0) / 1e9, 100 * Evaluator.accuracy(original, heldOut));
      run.used = 1;
      List<Simulation> simulations = new ArrayList<>();
      try {
        Verifier verifier = new Verifier(heldOut, options.seed());
        try (ClassifierModel withoutSmall =
            references ? reference(run, original, rest, small) : null) {
          for (Deletion d : deletions) {
            simulations.add(simulate(run, d, original, verifier, withoutSmall));
          }
        }
        run.simulations = simulations;
        search(run, searched, spec, verifier, simulations);
        for (ForgetScope scope : searched) {
          notes.addAll(choose(run, scope));
        }
      } finally {
        simulations.forEach(Simulation::close);
      }
    }
    boolean any =
        searched.stream().anyMatch(s -> choices.containsKey(s) && !choices.get(s).pinned());
    return run.result(
        any ? CalibrationResult.Status.CALIBRATED : CalibrationResult.Status.FAILED,
        notes.isEmpty() ? null : String.join("; ", notes));
  }

  /** Retrains M0's recipe on T without every small set: their shared second reference. */
  private ClassifierModel reference(
      Run run, ClassifierModel original, Dataset rest, List<Deletion> small) {
    java.util.Set<Long> ids = new java.util.HashSet<>();
    small.forEach(d -> ids.addAll(d.forget().idSet()));
    UnlearningTask task =
        new UnlearningTask(
            original,
            rest.onlyIds(ids),
            rest.withoutIds(ids),
            ForgetScope.SAMPLES,
            java.util.Set.of(),
            Budget.empty(),
            run.in.trainingSeed(),
            run.in.training(),
            null);
    UnlearningResult result = Methods.byName(Retrain.NAME).unlearn(task);
    run.used += 1;
    run.line(
        "calibration reference without the %d small sets (%d rows): retrained in %.1f s",
        small.size(), ids.size(), result.wallTimeMillis() / 1e3);
    return result.model();
  }

  /** Trains the oracle of one deletion and measures it and the parent once. */
  private Simulation simulate(
      Run run,
      Deletion d,
      ClassifierModel original,
      Verifier verifier,
      ClassifierModel withoutSmall) {
    CalibrationInput in = run.in;
    UnlearningTask task =
        new UnlearningTask(
            original,
            d.forget(),
            d.retain(),
            d.scope(),
            d.classes(),
            Budget.empty(),
            // The training seed: the oracle is the model's own exact retraining, as the worker's.
            in.trainingSeed(),
            in.training(),
            d.retain().sample(VALIDATION_ROWS, options.seed() + 17));
    Dataset measured = d.retain().sample(MEASURED_RETAIN, options.seed() + 5);
    UnlearningResult oracle = Methods.byName(Retrain.NAME).unlearn(task);
    try {
      Verifier.Metrics oracleMetrics =
          verifier.measure(oracle.model(), d.forget(), measured, d.scope(), d.classes());
      Verifier.Metrics parentMetrics =
          verifier.measure(original, d.forget(), measured, d.scope(), d.classes());
      List<Evaluation> references = new ArrayList<>();
      if (d.small() && withoutSmall != null && Verifier.perExampleApplies(task)) {
        references.add(oracleMetrics.forgetEvaluation());
        references.add(Evaluator.evaluate(withoutSmall, d.forget()));
      }
      run.used += 1;
      run.line(
          "calibration oracle for %s: %d rows forgotten, retrained in %.1f s; UA %.2f %%, RA %.2f"
              + " %%, held-out %.2f %%, MIA %.3f (the parent's gap to it %.2f pts)",
          d.name(),
          d.forget().size(),
          oracle.wallTimeMillis() / 1e3,
          100 * oracleMetrics.forgetAccuracy(),
          100 * oracleMetrics.retainAccuracy(),
          100 * oracleMetrics.testAccuracy(),
          oracleMetrics.mia(),
          100 * gap(parentMetrics, oracleMetrics));
      return new Simulation(
          d,
          task,
          measured,
          oracle.model(),
          oracle.wallTimeMillis(),
          oracleMetrics,
          parentMetrics,
          gap(parentMetrics, oracleMetrics),
          List.copyOf(references));
    } catch (RuntimeException e) {
      oracle.close();
      throw e;
    }
  }

  private static double gap(Verifier.Metrics a, Verifier.Metrics b) {
    return Verifier.avgGap(
        new double[] {a.forgetAccuracy(), a.retainAccuracy(), a.testAccuracy(), a.mia()},
        new double[] {b.forgetAccuracy(), b.retainAccuracy(), b.testAccuracy(), b.mia()});
  }

  /** One candidate: a method at one grid point, with its place in the order tried. */
  private record Candidate(
      ForgetScope scope,
      UnlearningMethod method,
      int methodIndex,
      int rank,
      Map<String, String> settings,
      String refusal) {}

  /** Every candidate in the order tried: grid rank, then scope, then the list's method order. */
  private List<Candidate> plan(List<ForgetScope> searched, ModelSpec spec) {
    List<Candidate> out = new ArrayList<>();
    for (ForgetScope scope : searched) {
      List<UnlearningMethod> methods = candidates.get(scope);
      for (int m = 0; m < methods.size(); m++) {
        UnlearningMethod method = methods.get(m);
        Optional<String> refused = method.refusal(spec, scope);
        if (refused.isPresent()) {
          out.add(new Candidate(scope, method, m, 0, Map.of(), refused.get()));
          continue;
        }
        List<Map<String, String>> grid = method.calibrationGrid(scope);
        for (int r = 0; r < grid.size(); r++) {
          method.checkSettings(grid.get(r));
          // Sorted keys: the same text in every report, whatever order the grid's map has.
          out.add(new Candidate(scope, method, m, r, new TreeMap<>(grid.get(r)), null));
        }
      }
    }
    out.sort(
        Comparator.comparingInt(Candidate::rank)
            .thenComparing(Candidate::scope)
            .thenComparingInt(Candidate::methodIndex));
    return out;
  }

  private void search(
      Run run,
      List<ForgetScope> searched,
      ModelSpec spec,
      Verifier verifier,
      List<Simulation> simulations) {
    double oracleMillis =
        Math.max(
            1.0, simulations.stream().mapToLong(Simulation::oracleMillis).average().orElse(1.0));
    for (Candidate c : plan(searched, spec)) {
      if (c.refusal() != null) {
        run.score(skipped(c, "cannot work on this model: " + c.refusal()));
        continue;
      }
      if (run.used >= options.budgetRetrainings()) {
        run.score(
            skipped(
                c,
                String.format(
                    Locale.ROOT,
                    "budget spent (%.1f of %d retrainings)",
                    run.used,
                    options.budgetRetrainings())));
        continue;
      }
      List<Simulation> mine =
          simulations.stream().filter(s -> s.deletion().scope() == c.scope()).toList();
      CandidateScore score = tryCandidate(run, c, mine, verifier, oracleMillis);
      // The budget pays for what ran here; a small set's escalation is in the candidate's cost
      // (what the worker would spend) but was not run.
      run.used += score.costRetrainings() - run.escalatedRetrainings;
      run.score(score);
    }
  }

  private static CandidateScore skipped(Candidate c, String reason) {
    return new CandidateScore(
        c.scope(),
        c.method().name(),
        c.settings(),
        null,
        null,
        null,
        null,
        0,
        CandidateScore.SKIPPED,
        reason,
        false);
  }

  /** Runs one candidate on each of its scope's simulations and aggregates. */
  private CandidateScore tryCandidate(
      Run run, Candidate c, List<Simulation> simulations, Verifier verifier, double oracleMillis) {
    double gap = 0;
    double ua = 0;
    double heldOut = 0;
    double oracleHeldOut = 0;
    // The figures of the small sets are noise (one of 8 rows is 12.5 points of UA; an attack on 8
    // rows a coin toss): they count through their verdict only, where larger simulations exist.
    int counted = 0;
    double countedGap = 0;
    double countedUa = 0;
    double countedHeldOut = 0;
    double countedOracleHeldOut = 0;
    long millis = 0;
    String failed = null;
    String insufficient = null;
    boolean passed = false;
    int escalated = 0;
    run.escalatedRetrainings = 0;
    for (Simulation s : simulations) {
      UnlearningTask task = s.task().withBudget(Budget.of(c.settings()));
      long t0 = System.nanoTime();
      try (UnlearningResult result = c.method().unlearn(task)) {
        millis += result.wallTimeMillis();
        Verifier.Metrics m =
            verifier.measure(
                result.model(),
                task.forget(),
                s.measuredRetain(),
                task.scope(),
                task.forgetClasses());
        VerificationReport report = report(s, task, result, m);
        PolicyOutcome outcome = run.in.policy().evaluate(report);
        gap += report.avgGap();
        ua += m.forgetAccuracy();
        heldOut += m.testAccuracy();
        oracleHeldOut += s.oracleMetrics().testAccuracy();
        if (!s.deletion().small()) {
          counted++;
          countedGap += report.avgGap();
          countedUa += m.forgetAccuracy();
          countedHeldOut += m.testAccuracy();
          countedOracleHeldOut += s.oracleMetrics().testAccuracy();
        }
        if (outcome.status() != PolicyOutcome.Status.PASSED
            && s.deletion().small()
            && run.in.escalates()) {
          // What the worker does with such a batch: it escalates to exact retraining, which is
          // the oracle, at the cost of one more retraining. A method is not disqualified for the
          // large batches by what the small ones escalate.
          escalated++;
          continue;
        }
        switch (outcome.status()) {
          case FAILED ->
              failed = failed == null ? s.deletion().name() + ": " + outcome.reason() : failed;
          case INSUFFICIENT_EVIDENCE ->
              insufficient =
                  insufficient == null
                      ? s.deletion().name() + ": " + outcome.reason()
                      : insufficient;
          case PASSED -> passed = true;
        }
      } catch (RuntimeException e) {
        // A candidate that cannot run on this model is a failed candidate, not a failed
        // calibration.
        millis += (System.nanoTime() - t0) / 1_000_000;
        String why = s.deletion().name() + ": threw " + e.getClass().getSimpleName();
        return new CandidateScore(
            c.scope(),
            c.method().name(),
            c.settings(),
            null,
            null,
            null,
            null,
            millis / oracleMillis,
            CandidateScore.FAILED,
            why + (e.getMessage() == null ? "" : ": " + sanitize(e.getMessage())),
            false);
      }
    }
    int n = simulations.size();
    if (counted > 0) {
      gap = countedGap;
      ua = countedUa;
      heldOut = countedHeldOut;
      oracleHeldOut = countedOracleHeldOut;
      n = counted;
    }
    // A simulation where even the parent passes every check has no evidence either way; it
    // neither passes nor fails a candidate (the others decide). Any failure fails it.
    String verdict =
        failed != null
            ? CandidateScore.FAILED
            : passed ? CandidateScore.PASSED : CandidateScore.INSUFFICIENT;
    String reason = failed != null ? failed : passed ? null : insufficient;
    if (escalated > 0 && failed == null) {
      String note = escalated + " small set(s) escalate to exact retraining (cost counted)";
      reason = reason == null ? note : reason + "; " + note;
    }
    CandidateScore score =
        new CandidateScore(
            c.scope(),
            c.method().name(),
            c.settings(),
            gap / n,
            ua / n,
            heldOut / n,
            oracleHeldOut / n,
            millis / oracleMillis + escalated,
            verdict,
            reason,
            false);
    run.escalatedRetrainings = escalated;
    run.line(
        "calibration %s %s %s: gap %.2f pts, UA %.2f %%, held-out %.2f %% (oracle %.2f %%), %.2f"
            + " retrainings, %s%s",
        c.scope().name().toLowerCase(Locale.ROOT),
        c.method().name(),
        c.settings(),
        100 * score.avgGap(),
        100 * score.forgetAccuracy(),
        100 * score.heldOutAccuracy(),
        100 * score.oracleHeldOutAccuracy(),
        score.costRetrainings(),
        verdict,
        reason == null ? "" : " (" + reason + ")");
    return score;
  }

  /** The candidate's report against the oracle, with the parent's figures as evidence. */
  private static VerificationReport report(
      Simulation s, UnlearningTask task, UnlearningResult result, Verifier.Metrics m) {
    VerificationReport report =
        Verifier.report(
            m,
            s.oracleMetrics(),
            result.model(),
            s.oracle(),
            task,
            result.wallTimeMillis(),
            s.oracleMillis(),
            s.parentMetrics().retainAccuracy());
    PerExampleEvidence perExample =
        s.references().size() >= 2
            ? PerExampleMembership.score(
                s.references(), s.parentMetrics().forgetEvaluation(), m.forgetEvaluation())
            : null;
    if (perExample != null && !perExample.hasPower()) {
      // Two references only: where the test cannot even see the parent's memory, what it flags
      // on a candidate is the references' spread, not memory. It then says nothing.
      perExample = null;
    }
    Verifier.Metrics p = s.parentMetrics();
    return report.withEvidence(
        new Evidence(false, p.forgetAccuracy(), p.testAccuracy(), p.mia(), perExample));
  }

  /** Picks the scope's choice among its scores; returns what the result should say about it. */
  private static List<String> choose(Run run, ForgetScope scope) {
    List<Integer> passed = new ArrayList<>();
    List<Integer> insufficient = new ArrayList<>();
    for (int i = 0; i < run.scores.size(); i++) {
      CandidateScore s = run.scores.get(i);
      if (s.scope() != scope || s.avgGap() == null) {
        continue;
      }
      if (s.verdict().equals(CandidateScore.PASSED)) {
        passed.add(i);
      } else if (s.verdict().equals(CandidateScore.INSUFFICIENT)) {
        insufficient.add(i);
      }
    }
    List<Simulation> scored =
        run.simulations.stream().filter(s -> s.deletion().scope() == scope).toList();
    if (scored.stream().anyMatch(s -> !s.deletion().small())) {
      scored = scored.stream().filter(s -> !s.deletion().small()).toList();
    }
    double nothing =
        scored.stream().mapToDouble(Simulation::parentGap).average().orElse(Double.NaN);
    // Never worse than doing nothing: a candidate must beat handing the parent back (which is what
    // a method that does not work amounts to) by more than the tolerance.
    passed.removeIf(i -> !(run.scores.get(i).avgGap() < nothing - TOLERANCE));
    insufficient.removeIf(i -> !(run.scores.get(i).avgGap() < nothing - TOLERANCE));
    List<Integer> pool = passed.isEmpty() ? insufficient : passed;
    String name = scope.name();
    if (pool.isEmpty()) {
      // Nothing inexact forgets here, so the choice is what the policy would escalate to anyway:
      // exact retraining, which is the oracle (gap 0) at the cost of one retraining.
      String why =
          String.format(
              Locale.ROOT,
              "%s: no inexact candidate tried passed and beat doing nothing (gap %.2f pts); exact"
                  + " retraining is chosen",
              name,
              100 * nothing);
      run.scores.add(exactRetraining(scope, scored, why));
      run.choices.put(scope, new Choice(scope, Retrain.NAME, Map.of(), false));
      run.line("calibration %s", why);
      return List.of(why);
    }
    double best = pool.stream().mapToDouble(i -> run.scores.get(i).avgGap()).min().orElseThrow();
    // The earliest tried (cheapest grid point) among the near-best: no decision on measured time.
    int pick =
        pool.stream()
            .filter(i -> run.scores.get(i).avgGap() <= best + TOLERANCE)
            .findFirst()
            .orElseThrow();
    CandidateScore chosen = run.scores.get(pick).asChosen();
    run.scores.set(pick, chosen);
    run.choices.put(scope, new Choice(scope, chosen.method(), chosen.settings(), false));
    run.line(
        "calibration %s -> %s %s (gap %.2f pts, %s)",
        name, chosen.method(), chosen.settings(), 100 * chosen.avgGap(), chosen.verdict());
    return passed.isEmpty()
        ? List.of(name + ": chosen with insufficient evidence (no candidate passed)")
        : List.of();
  }

  /**
   * Exact retraining as a scope's choice: the oracle itself, so its figures are the oracles' and
   * its gap is 0; it costs one retraining per deletion.
   */
  private static CandidateScore exactRetraining(
      ForgetScope scope, List<Simulation> scored, String why) {
    return new CandidateScore(
        scope,
        Retrain.NAME,
        Map.of(),
        0.0,
        scored.stream().mapToDouble(s -> s.oracleMetrics().forgetAccuracy()).average().orElse(0),
        scored.stream().mapToDouble(s -> s.oracleMetrics().testAccuracy()).average().orElse(0),
        scored.stream().mapToDouble(s -> s.oracleMetrics().testAccuracy()).average().orElse(0),
        1.0,
        CandidateScore.PASSED,
        why,
        true);
  }

  /** Log-safe: one line, bounded. */
  private static String sanitize(String s) {
    String one = s.replaceAll("[\\p{Cntrl}]", " ");
    return one.length() > 200 ? one.substring(0, 200) + "..." : one;
  }

  /** The state of one calibration. */
  private final class Run {
    final CalibrationInput in;
    final Consumer<String> progress;
    final long started;
    final Map<ForgetScope, Choice> choices;
    final List<CandidateScore> scores = new ArrayList<>();
    List<SimulatedDeletion> deletions = List.of();
    List<Simulation> simulations = List.of();
    double used;

    /** The last candidate's small sets that escalate: in its cost, not in the budget spent. */
    int escalatedRetrainings;

    Run(
        CalibrationInput in,
        Consumer<String> progress,
        long started,
        Map<ForgetScope, Choice> choices) {
      this.in = in;
      this.progress = progress;
      this.started = started;
      this.choices = choices;
    }

    void score(CandidateScore s) {
      scores.add(s);
      if (s.verdict().equals(CandidateScore.SKIPPED)) {
        line(
            "calibration %s %s %s: SKIPPED (%s)",
            s.scope().name().toLowerCase(Locale.ROOT), s.method(), s.settings(), s.reason());
      }
    }

    void line(String format, Object... args) {
      progress.accept(String.format(Locale.ROOT, format, args));
    }

    CalibrationResult result(CalibrationResult.Status status, String reason) {
      return new CalibrationResult(
          status,
          reason,
          options.seed(),
          options.budgetRetrainings(),
          used,
          (System.nanoTime() - started) / 1_000_000,
          deletions,
          choices,
          scores);
    }
  }
}
