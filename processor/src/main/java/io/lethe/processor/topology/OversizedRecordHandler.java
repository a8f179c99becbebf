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
 * The topology's production-exception handler. A record the broker or the producer refuses as too
 * large would fail the task, the task would re-read its input and fail again: a crash loop. The
 * batch cap ({@link IntakeLimits#maxBatchBytes}) keeps that from happening; should it happen all
 * the same, the record is skipped and a small dead letter (no value: it would be too large too)
 * says what was lost and where it came from. Every other error is Kafka's default handling.
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
