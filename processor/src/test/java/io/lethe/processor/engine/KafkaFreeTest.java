package io.lethe.processor.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The engine is a library the Kafka worker calls: nothing under it may import Kafka. */
class KafkaFreeTest {

  @Test
  void noEngineSourceImportsKafka() throws IOException {
    Path root = Path.of("src/main/java/io/lethe/processor/engine");
    assertTrue(Files.isDirectory(root), "engine sources not found at " + root.toAbsolutePath());
    List<Path> sources;
    try (Stream<Path> files = Files.walk(root)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertFalse(sources.isEmpty(), "no engine sources found");
    for (Path source : sources) {
      for (String line : Files.readAllLines(source)) {
        String trimmed = line.trim();
        assertFalse(
            trimmed.startsWith("import") && trimmed.contains("org.apache.kafka"),
            source + " imports Kafka: " + trimmed);
        assertFalse(trimmed.contains("org.apache.kafka."), source + " refers to Kafka: " + trimmed);
      }
    }
  }
}
