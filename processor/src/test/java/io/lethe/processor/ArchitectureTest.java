package io.lethe.processor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The processor's import rules: the engine (data, architectures, models, methods, verification) is
 * a library with no Kafka and no knowledge of the pipeline; the worker reaches it only through its
 * {@code Unlearner} interface; the topology knows nothing of the engine; the catalog and the
 * planner do not talk to Kafka. Checked on the compiled classes.
 */
class ArchitectureTest {

  private static final String ENGINE = "io.lethe.processor.engine..";
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.lethe.processor");
    assertTrue(classes.size() > 50, "the processor's classes were not found: " + classes.size());
  }

  private static ArchRule noKafkaIn(String packages) {
    return noClasses()
        .that()
        .resideInAPackage(packages)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka..", "io.lethe.kafka..");
  }

  @Test
  void theEngineImportsNoKafkaAndNoPartOfThePipeline() {
    noKafkaIn(ENGINE).check(classes);
    noClasses()
        .that()
        .resideInAPackage(ENGINE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.lethe.processor.worker..",
            "io.lethe.processor.topology..",
            "io.lethe.processor.planner..",
            "io.lethe.processor.catalog..",
            "io.lethe.processor.metrics..",
            "io.lethe.avro..")
        .check(classes);
  }

  @Test
  void theWorkerReachesTheEngineOnlyThroughItsInterface() {
    noClasses()
        .that()
        .resideInAPackage("io.lethe.processor.worker..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ENGINE, "io.lethe.processor.planner..", "io.lethe.processor.catalog..")
        .check(classes);
  }

  @Test
  void theTopologyKnowsNothingOfTheEngineOrTheWorker() {
    noClasses()
        .that()
        .resideInAPackage("io.lethe.processor.topology..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            ENGINE,
            "io.lethe.processor.worker..",
            "io.lethe.processor.planner..",
            "io.lethe.processor.catalog..")
        .check(classes);
  }

  @Test
  void theCatalogAndThePlannerDoNotTalkToKafka() {
    noKafkaIn("io.lethe.processor.catalog..").check(classes);
    noKafkaIn("io.lethe.processor.planner..").check(classes);
  }

  /** Control: the same rule on a package that does use Kafka reports it, so the rules can fail. */
  @Test
  void control_theNoKafkaRuleCatchesTheWorker() {
    var result = noKafkaIn("io.lethe.processor.worker..").evaluate(classes);
    assertTrue(result.hasViolation(), "the rule did not see the worker's Kafka imports");
    assertFalse(result.getFailureReport().isEmpty());
  }
}
