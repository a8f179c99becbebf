package io.lethe.processor.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.BatchedRequest;
import io.lethe.avro.DeletionScope;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One request never decides the fate of its batch: a CLASS request for a class already forgotten is
 * NOT_PRESENT, one that would leave no class at all is refused alone. Before, both were "present"
 * and the batch ran as a whole (a batch holding a CLASS request once every other class was gone
 * failed with every request in it).
 */
class BatchTriageTest {
  private static final Set<Integer> TEN = Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  private static final Unlearner.Trained TRAINED = new Unlearner.Trained(Set.of(1L, 2L, 3L), TEN);

  private static BatchedRequest classes(String id, Integer... labels) {
    return new BatchedRequest(id, DeletionScope.CLASS, List.of(), List.of(labels), null, null);
  }

  private static BatchedRequest samples(String id, Long... ids) {
    return new BatchedRequest(id, DeletionScope.SAMPLES, List.of(ids), List.of(), null, null);
  }

  private static List<String> ids(List<BatchedRequest> requests) {
    return requests.stream().map(BatchedRequest::getRequestId).toList();
  }

  @Test
  void aClassAlreadyForgottenIsNotPresentAndSoAreErasedSamples() {
    ForgetLedger before = new ForgetLedger(Set.of(1L), Set.of(7));
    BatchTriage t =
        BatchTriage.of(
            "m",
            List.of(
                classes("again-7", 7),
                classes("seven-and-three", 7, 3),
                samples("erased", 1L),
                samples("new", 1L, 2L),
                samples("never-trained", 99L)),
            TRAINED,
            before,
            TEN);
    assertEquals(List.of("seven-and-three", "new"), ids(t.present()));
    assertTrue(t.refused().isEmpty(), t.refused().toString());
  }

  @Test
  void aClassRequestThatWouldLeaveNoClassIsRefusedAloneTheFirstComerWins() {
    // Eight classes gone: two left. The first request takes one (one left); the second would
    // take the last and is refused; the samples request goes on.
    ForgetLedger before = new ForgetLedger(Set.of(), Set.of(0, 1, 2, 3, 4, 5, 6, 9));
    BatchTriage t =
        BatchTriage.of(
            "m",
            List.of(classes("takes-7", 7), classes("takes-8", 8), samples("s", 2L)),
            TRAINED,
            before,
            TEN);
    assertEquals(List.of("takes-7", "s"), ids(t.present()));
    assertEquals(Set.of("takes-8"), t.refused().keySet());
    assertTrue(t.refused().get("takes-8").contains("would leave m 0 of its 10 classes"));
  }

  @Test
  void controlWithClassesToSpareEveryRequestTakesPart() {
    BatchTriage t =
        BatchTriage.of(
            "m",
            List.of(classes("takes-7", 7), classes("takes-8", 8), samples("s", 2L)),
            TRAINED,
            ForgetLedger.EMPTY,
            TEN);
    assertEquals(List.of("takes-7", "takes-8", "s"), ids(t.present()));
    assertTrue(t.refused().isEmpty());
  }

  @Test
  void aRequestForEveryClassIsRefusedEvenOnAFreshModelButOneOfTwoIsNot() {
    BatchTriage all =
        BatchTriage.of(
            "m",
            List.of(classes("all", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)),
            TRAINED,
            ForgetLedger.EMPTY,
            TEN);
    assertTrue(all.present().isEmpty());
    assertEquals(Set.of("all"), all.refused().keySet());
    // A binary model forgetting one of its two classes is a verified case (the catalog's models).
    BatchTriage oneOfTwo =
        BatchTriage.of("m", List.of(classes("one", 1)), TRAINED, ForgetLedger.EMPTY, Set.of(0, 1));
    assertEquals(List.of("one"), ids(oneOfTwo.present()));
  }
}
