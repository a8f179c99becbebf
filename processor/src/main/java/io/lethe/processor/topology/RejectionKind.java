package io.lethe.processor.topology;

import java.util.Locale;

/**
 * Why a record was refused, as a fixed vocabulary: metrics count it ({@code
 * lethe_requests_rejected_total{reason}}) and the dead letter carries it ({@link
 * DeletionTopology#HEADER_KIND}); the {@link Rejection}'s message says the rest in words.
 */
public enum RejectionKind {
  /** The bytes are not a DeletionRequest (not Avro, another schema, truncated). */
  MALFORMED,
  /** Over a cap: an Avro length, sample ids per request, or bytes per batch. */
  TOO_LARGE,
  /** A readable request that breaks its scope's rules (or a key that is not its id). */
  INVALID,
  UNKNOWN_MODEL,
  /** A SUBJECT request for a subject without lineage in the named, known models. */
  UNKNOWN_SUBJECT,
  /** Processing this record failed the same way more than once; set aside so the rest go on. */
  PROCESSING_FAILED;

  /** The metric label: the name in lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
