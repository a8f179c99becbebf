package io.lethe.processor.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps a global store equal to its topic (a tombstone deletes), storing every record as it is, as
 * a restore from the topic does, so the store reads the same after a restart. Used for the
 * compacted lineage topic and for each request's latest receipt (intake asks the latter whether a
 * repeated request id follows a FAILED outcome).
 */
final class GlobalStoreUpdater<V> implements Processor<String, V, Void, Void> {
  private final String storeName;
  private KeyValueStore<String, V> store;

  GlobalStoreUpdater(String storeName) {
    this.storeName = storeName;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, V> record) {
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
