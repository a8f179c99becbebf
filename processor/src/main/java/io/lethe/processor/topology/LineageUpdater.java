package io.lethe.processor.topology;

import io.lethe.avro.TrainingLineage;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the global lineage store equal to the compacted lineage topic; a tombstone deletes. */
final class LineageUpdater implements Processor<String, TrainingLineage, Void, Void> {
  private KeyValueStore<String, TrainingLineage> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(DeletionTopology.LINEAGE_STORE);
  }

  @Override
  public void process(Record<String, TrainingLineage> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
  }
}
