package io.lethe.processor.engine.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningResult;
import io.lethe.processor.engine.method.UnlearningTask;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The no-op control on MNIST-10k through the engine API: the parent handed back unchanged as the
 * "unlearned" model is never PASSED, at any forget-set size, under the policy and evidence the
 * planner uses (per-example test below 100 samples); exact retraining on the same sets is (the
 * control in the other direction: the policy does not simply refuse everything).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoOpControlTest {
  /** The largest forget set the per-example test scores; the pool is trained without it. */
  private static final int LARGEST_SMALL = 20;

  @org.junit.jupiter.api.io.TempDir static Path dir;
  private CatalogModel mnist;
  private TrainingConfig recipe;
  private long seed;
  private ClassifierModel parent;
  private long[] order;
  private ReferencePool pool;
  private final VerificationPolicy policy = VerificationPolicy.defaults().withReferenceModels(2);

  @BeforeAll
  void trainTheParentAndOnePool() {
    mnist = BuiltinCatalog.load(dir).require(BuiltinCatalog.MNIST_MLP);
    // Briefly trained: the point is the verdict, not the accuracy.
    recipe = mnist.entry().training().config().withEpochs(2);
    seed = mnist.entry().training().seed();
    parent = ModelTrainer.train(mnist.entry().architecture(), mnist.train(), recipe, seed);
    // Nested forget sets (the first n of one shuffled order): one pool trained without the
    // largest small set is a reference "never trained on it" for each smaller one too.
    int[] shuffled = DatasetSplit.shuffledIndices(mnist.train().size(), 99);
    order = Arrays.stream(shuffled).mapToLong(i -> mnist.train().id(i)).toArray();
    pool = ReferencePool.train(task(LARGEST_SMALL), policy.referenceModels());
  }

  @AfterAll
  void close() {
    if (pool != null) {
      pool.close();
    }
    if (parent != null) {
      parent.close();
    }
  }

  private UnlearningTask task(int n) {
    Set<Long> ids = Arrays.stream(order, 0, n).boxed().collect(Collectors.toSet());
    return UnlearningTask.forgetSamples(parent, mnist.train(), ids, seed)
        .withTrainingConfig(recipe);
  }

  @ParameterizedTest(name = "{0} samples")
  @ValueSource(ints = {1, 5, 20, 100, 1000})
  void theParentHandedBackIsNeverPassedAndExactRetrainingIs(int n) {
    UnlearningTask task = task(n);
    Verifier verifier = new Verifier(mnist.test(), seed);
    var references = n <= LARGEST_SMALL ? pool.models() : java.util.List.<ClassifierModel>of();
    PolicyOutcome noOp =
        policy.evaluate(verifier.verify(parent, task, 1L, null, null, false, references));
    assertNotEquals(PolicyOutcome.Status.PASSED, noOp.status(), noOp.details().toString());
    System.out.printf("no-op on %d samples: %s (%s)%n", n, noOp.status(), noOp.reason());
    try (UnlearningResult retrained = Methods.byName("retrain").unlearn(task)) {
      VerificationReport report =
          verifier.verify(
              retrained.model(), task, retrained.wallTimeMillis(), null, null, true, references);
      PolicyOutcome exact = policy.evaluate(report);
      assertEquals(PolicyOutcome.Status.PASSED, exact.status(), exact.details().toString());
      if (n < PerExampleMembership.APPLIES_BELOW) {
        assertEquals(2, report.evidence().perExample().referenceModels());
      }
    }
  }
}
