package io.lethe.processor.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A registration sent as text names its files relative to the processor's registration dir. */
class RegistrationTextTest {
  private static final Path DIR = Path.of("/srv/lethe/registrations");

  @Test
  void relativeFilePathsResolveAgainstTheDirectoryAndOthersStay() throws Exception {
    String yaml =
        """
        models:
          - id: m
            dataset: {format: csv, train: data/train.csv, test: /abs/test.csv,
                      columns: {label: data/not-a-file}}
            model: {torchscript: ../models/m.pt, head: {weight: head.weight}}
          - id: n
            dataset: {format: idx, train: classpath:datasets/x.gz}
        """;
    JsonNode out = new YAMLMapper().readTree(RegistrationText.withPathsUnder(yaml, DIR));
    JsonNode m = out.path("models").get(0);
    assertEquals("/srv/lethe/registrations/data/train.csv", m.at("/dataset/train").asText());
    assertEquals("/abs/test.csv", m.at("/dataset/test").asText());
    assertEquals("/srv/lethe/models/m.pt", m.at("/model/torchscript").asText());
    // Control: keys that do not name files are left as they are.
    assertEquals("data/not-a-file", m.at("/dataset/columns/label").asText());
    assertEquals("head.weight", m.at("/model/head/weight").asText());
    assertEquals(
        "classpath:datasets/x.gz", out.path("models").get(1).at("/dataset/train").asText());
  }

  @Test
  void aTextThatIsNotACatalogIsLeftForTheReaderToReport() {
    assertEquals("{not: [yaml", RegistrationText.withPathsUnder("{not: [yaml", DIR));
    assertEquals("just text", RegistrationText.withPathsUnder("just text", DIR));
  }
}
