package io.lethe.processor.topology;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology's production-exception handler, for records refused as too large. Prevention is the
 * real defence: {@link IntakeLimits#maxBatchBytes} is fitted at start to the producer's {@code
 * max.request.size} and the batches topic's {@code max.message.bytes}, because under exactly-once a
 * refused send aborts the transaction whatever a handler answers, and the task would re-read its
 * input and build the same record again. Should one get through all the same, this names it and the
 * input it came from in one line and skips it with a small dead letter (no value: that would be too
 * large too) where the transaction survives. Every other error is Kafka's default handling.
 */
public final class OversizedRecordHandler extends DefaultProductionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(OversizedRecordHandler.class);

  private String deadLetterTopic;

  @Override
  public void configure(Map<String, ?> configs) {
    super.configure(configs);
    Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    deadLetterTopic = topic == null ? null : topic.toString();
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (!(exception instanceof RecordTooLargeException)) {
      return super.handleError(context, record, exception);
    }
    int size = (record.value() == null ? 0 : record.value().length);
    String origin = context.topic() + "-" + context.partition() + "@" + context.offset();
    String reason =
        "a record of "
            + size
            + " bytes for "
            + record.topic()
            + " is too large to produce; skipped ("
            + SafeText.of(exception.getMessage(), 200)
            + ")";
    log.error("Skipping a record for {} from input {}: {}", record.topic(), origin, reason);
    if (deadLetterTopic == null || deadLetterTopic.equals(record.topic())) {
      return Response.resume();
    }
    RecordHeaders headers = new RecordHeaders();
    headers.add(DeletionTopology.HEADER_STAGE, "produce".getBytes(StandardCharsets.UTF_8));
    headers.add(
        DeletionTopology.HEADER_KIND,
        RejectionKind.TOO_LARGE.name().getBytes(StandardCharsets.UTF_8));
    headers.add(DeletionTopology.HEADER_REASON, reason.getBytes(StandardCharsets.UTF_8));
    headers.add(DeletionTopology.HEADER_ORIGIN, origin.getBytes(StandardCharsets.UTF_8));
    return Response.resume(
        List.of(new ProducerRecord<>(deadLetterTopic, null, record.key(), null, headers)));
  }
}
