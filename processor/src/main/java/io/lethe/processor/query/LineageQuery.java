package io.lethe.processor.query;

import io.lethe.avro.TrainingLineage;
import io.lethe.processor.topology.DeletionTopology;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A subject's lineage from the topology's global lineage store, which every instance holds whole.
 * Kafka Streams' IQv2 ({@code KafkaStreams.query}) answers from the tasks' stores only, not from
 * global stores, so this one is read through the first interactive-query API ({@code
 * KafkaStreams.store}), which serves global stores.
 */
public final class LineageQuery {
  private final KafkaStreams streams;

  public LineageQuery(KafkaStreams streams) {
    this.streams = streams;
  }

  /** The models that hold the subject's data now, or empty when none does (or it is unknown). */
  public Optional<TrainingLineage> of(String subjectId) {
    ReadOnlyKeyValueStore<String, TrainingLineage> store =
        streams.store(
            StoreQueryParameters.fromNameAndType(
                DeletionTopology.LINEAGE_STORE, QueryableStoreTypes.keyValueStore()));
    return Optional.ofNullable(store.get(subjectId)).filter(l -> !l.getModels().isEmpty());
  }
}
