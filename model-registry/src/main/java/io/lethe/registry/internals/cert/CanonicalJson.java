package io.lethe.registry.internals.cert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a certificate's signature covers: the JSON document with object keys sorted at every
 * level, no insignificant whitespace, UTF-8. Parsing a certificate and canonicalizing it again
 * gives the same bytes, so a verifier need not keep the signer's formatting.
 */
public final class CanonicalJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private CanonicalJson() {}

  public static byte[] bytes(JsonNode node) {
    try {
      Object plain = MAPPER.treeToValue(node, Object.class);
      return MAPPER.writeValueAsString(plain).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not canonicalizable JSON", e);
    }
  }
}
