package io.lethe.processor.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * One catalog entry as a registration carries it: a catalog text holding only that entry, every
 * file path made absolute (a processor reads it from anywhere), with two digests. The {@code
 * fingerprint} says what the model <em>is</em> (its dataset and model sections, file paths replaced
 * by the sha256 of the files' bytes): two registrations with one fingerprint train on the same rows
 * with the same model. The {@code digest} covers the whole entry: equal digests make a
 * re-registration a no-op.
 *
 * @param catalog a catalog file's text with exactly this entry
 */
public record RegistrationText(String modelId, String catalog, String fingerprint, String digest) {

  /** The keys of a dataset or model section that name files. */
  static final Set<String> FILE_KEYS =
      Set.of("train", "trainLabels", "test", "testLabels", "subjects", "torchscript");

  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /**
   * The registration text of model {@code modelId} of the catalog {@code file}, which must have
   * passed {@link ModelCatalog#load} already.
   */
  public static RegistrationText of(Path file, String modelId) {
    try {
      JsonNode root = new YAMLMapper().readTree(file.toFile());
      Path baseDir = file.toAbsolutePath().getParent();
      for (JsonNode entry : root.path("models")) {
        if (!modelId.equals(entry.path("id").asText(null))) {
          continue;
        }
        ObjectNode absolute = entry.deepCopy();
        ObjectNode identity = new ObjectMapper().createObjectNode();
        for (String section : List.of("dataset", "model")) {
          if (absolute.get(section) instanceof ObjectNode s) {
            ObjectNode id = s.deepCopy();
            for (String key : FILE_KEYS) {
              JsonNode value = s.get(key);
              if (value != null && value.isTextual()) {
                Path resolved = resolve(baseDir, value.asText());
                s.put(key, resolved.toString());
                id.put(key, "sha256:" + sha256(resolved));
              }
            }
            identity.set(section, id);
          }
        }
        ObjectNode catalog = new YAMLMapper().createObjectNode();
        catalog.putArray("models").add(absolute);
        String text = new YAMLMapper().writeValueAsString(catalog);
        return new RegistrationText(
            modelId,
            text,
            sha256(CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(identity, Object.class))),
            sha256(CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(absolute, Object.class))));
      }
      throw new IllegalArgumentException("no model '" + modelId + "' in " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * {@code yaml} with every relative file path of its entries resolved against {@code baseDir}, so
   * that it means the same wherever it is written down: a registration that arrived as text (the
   * registry's REST API) names its files relative to the processor's registration directory. A text
   * that is not a catalog is returned as it is, for the catalog reader to name its problem.
   */
  public static String withPathsUnder(String yaml, Path baseDir) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(yaml);
    } catch (IOException e) {
      return yaml;
    }
    if (root == null || !root.path("models").isArray()) {
      return yaml;
    }
    for (JsonNode entry : root.path("models")) {
      for (String section : List.of("dataset", "model")) {
        if (entry.get(section) instanceof ObjectNode s) {
          for (String key : FILE_KEYS) {
            JsonNode value = s.get(key);
            if (value != null && value.isTextual() && !value.asText().startsWith("classpath:")) {
              s.put(key, baseDir.resolve(value.asText()).toAbsolutePath().normalize().toString());
            }
          }
        }
      }
    }
    try {
      return new YAMLMapper().writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a catalog back as YAML", e);
    }
  }

  private static Path resolve(Path baseDir, String path) {
    if (path.startsWith("classpath:")) {
      throw new IllegalArgumentException(
          "a registered model's files must be files, not "
              + path
              + ": a processor elsewhere"
              + " reads them");
    }
    return baseDir.resolve(path).toAbsolutePath().normalize();
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = sha();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha().digest(bytes));
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
