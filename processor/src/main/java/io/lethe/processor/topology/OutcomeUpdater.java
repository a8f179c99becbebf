package io.lethe.processor.topology;

import io.lethe.avro.RequestReceipt;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global store of each request's latest receipt, from the receipts topic. It stores every
 * receipt as it is (as a restore from the topic does), so the store reads the same after a restart;
 * intake asks it whether a repeated request id follows a FAILED outcome.
 */
final class OutcomeUpdater implements Processor<String, RequestReceipt, Void, Void> {
  private KeyValueStore<String, RequestReceipt> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(DeletionTopology.OUTCOMES_STORE);
  }

  @Override
  public void process(Record<String, RequestReceipt> record) {
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
