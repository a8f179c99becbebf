package io.lethe.registry.internals.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Input checks and small helpers the services share. */
final class Checks {
  static final List<String> ALIASES = List.of("champion", "candidate");
  static final int MAX_PAGE_SIZE = 500;
  private static final String TAG_PATTERN = "[A-Za-z0-9._:-]{1,64}";

  private Checks() {}

  /**
   * The row offset of a page. Computed in long arithmetic and refused past {@code
   * Integer.MAX_VALUE} so that a huge {@code page} cannot overflow into a negative offset.
   */
  static int offset(int page, int size) {
    if (page < 0) {
      throw RegistryException.invalid("page must be >= 0");
    }
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw RegistryException.invalid("size must be between 1 and " + MAX_PAGE_SIZE);
    }
    long offset = (long) page * size;
    if (offset > Integer.MAX_VALUE) {
      throw RegistryException.invalid("page * size must not exceed " + Integer.MAX_VALUE);
    }
    return (int) offset;
  }

  static void checkAlias(String alias) {
    if (!ALIASES.contains(alias)) {
      throw RegistryException.invalid("alias must be one of " + ALIASES + ", got " + alias);
    }
  }

  static void checkTag(String tag) {
    if (tag == null || !tag.matches(TAG_PATTERN)) {
      throw RegistryException.invalid("a tag is 1-64 characters of [A-Za-z0-9._:-]");
    }
  }

  /** Longest tag value kept (MLflow keeps 5000; a tag is a note, not a document). */
  static final int MAX_TAG_VALUE = 1000;

  /**
   * A tag's value: null (a bare label) or at most {@link #MAX_TAG_VALUE} characters without control
   * characters, refused rather than altered so the caller gets back exactly what it set.
   */
  static String checkTagValue(String value) {
    if (value == null) {
      return null;
    }
    if (value.length() > MAX_TAG_VALUE) {
      throw RegistryException.invalid("a tag value is at most " + MAX_TAG_VALUE + " characters");
    }
    if (value.codePoints().anyMatch(Character::isISOControl)) {
      throw RegistryException.invalid("a tag value must not contain control characters");
    }
    return value;
  }

  static Map<String, Object> details(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] != null) {
        map.put((String) keyValues[i], keyValues[i + 1]);
      }
    }
    return map;
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
