package io.lethe.registry.internals.cert;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a certificate's signature covers: the JSON document with object keys sorted at every
 * level, no insignificant whitespace, UTF-8. Parsing a certificate and canonicalizing it again
 * gives the same bytes, so a verifier need not keep the signer's formatting.
 *
 * <p>A verifier must also refuse any text whose meaning depends on the reader: a repeated key (one
 * reader takes the first value, another the last) or a number that canonicalization would rewrite
 * ({@code 1.50}, {@code 1e0}: another reader may keep more precision than the signed double).
 * {@link #parseStrict} refuses both.
 */
public final class CanonicalJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private CanonicalJson() {}

  /** Why a text is not one this registry would have signed. */
  public static final class NotCanonical extends Exception {
    private static final long serialVersionUID = 1L;

    NotCanonical(String message) {
      super(message, null, false, false);
    }
  }

  public static byte[] bytes(JsonNode node) {
    try {
      Object plain = MAPPER.treeToValue(node, Object.class);
      return MAPPER.writeValueAsString(plain).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not canonicalizable JSON", e);
    }
  }

  /**
   * Whether every number in {@code text} is written as canonicalization writes it: integers as
   * their plain decimal digits, fractions as {@link Double#toString(double)} does.
   */
  private static boolean numbersAsWritten(String text) throws java.io.IOException {
    try (JsonParser p = STRICT.getFactory().createParser(text)) {
      com.fasterxml.jackson.core.JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT) {
          if (!p.getText().equals(p.getBigIntegerValue().toString())) {
            return false;
          }
        } else if (t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_FLOAT) {
          double value = p.getDoubleValue();
          if (!Double.isFinite(value) || !p.getText().equals(Double.toString(value))) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * Parses {@code text}, refusing repeated keys, trailing content, and any value whose canonical
   * rendering reads back as something else than what was written.
   */
  public static JsonNode parseStrict(String text) throws NotCanonical {
    JsonNode node;
    try {
      node = STRICT.readTree(text);
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      throw new NotCanonical(
          message != null && message.startsWith("Duplicate field")
              ? "the document repeats a key: " + message
              : "the document is not strict JSON");
    }
    try {
      if (!numbersAsWritten(text)) {
        throw new NotCanonical(
            "the document holds numbers that canonical JSON would rewrite (such as 1.50 or 1e0)");
      }
    } catch (java.io.IOException e) {
      throw new NotCanonical("the document cannot be canonicalized");
    }
    return node;
  }
}
