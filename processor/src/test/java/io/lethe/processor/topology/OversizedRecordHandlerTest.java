package io.lethe.processor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class OversizedRecordHandlerTest {
  private static final ErrorHandlerContext CONTEXT =
      new ErrorHandlerContext() {
        public String topic() {
          return "lethe.deletion-requests";
        }

        public int partition() {
          return 2;
        }

        public long offset() {
          return 41;
        }

        public Headers headers() {
          return new RecordHeaders();
        }

        public String processorNodeId() {
          return "batching";
        }

        public TaskId taskId() {
          return new TaskId(1, 2);
        }

        public long timestamp() {
          return 0;
        }

        public byte[] sourceRawKey() {
          return null;
        }

        public byte[] sourceRawValue() {
          return null;
        }
      };

  private final OversizedRecordHandler handler = new OversizedRecordHandler();

  {
    handler.configure(
        Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "lethe.dlq"));
  }

  @Test
  void aRecordTooLargeIsSkippedWithASmallDeadLetterInsteadOfFailingTheTask() {
    byte[] key = "mnist-mlp".getBytes(StandardCharsets.UTF_8);
    var response =
        handler.handleError(
            CONTEXT,
            new ProducerRecord<>("lethe.unlearning-batches", key, new byte[2_000_000]),
            new RecordTooLargeException("The message is 2000123 bytes"));
    assertEquals(Result.RESUME, response.result());
    ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
    assertEquals("lethe.dlq", dead.topic());
    assertNull(dead.value());
    assertEquals(
        "TOO_LARGE",
        new String(
            dead.headers().lastHeader(DeletionTopology.HEADER_KIND).value(),
            StandardCharsets.UTF_8));
    assertEquals(
        "lethe.deletion-requests-2@41",
        new String(
            dead.headers().lastHeader(DeletionTopology.HEADER_ORIGIN).value(),
            StandardCharsets.UTF_8));
  }

  @Test
  void otherErrorsKeepKafkasDefaultHandling() {
    // Control: the handler does not swallow what it should not.
    var response =
        handler.handleError(
            CONTEXT,
            new ProducerRecord<>("lethe.unlearning-batches", new byte[1], new byte[1]),
            new AuthorizationException("not allowed"));
    assertEquals(Result.FAIL, response.result());
  }
}
