package io.lethe.registry;

import java.util.Locale;

/**
 * What the registry does with an alias that points at a version still holding data of an erasure
 * just applied to its model.
 */
public enum AliasPolicy {
  /** Move the alias to the newest PASSED version that excludes every applied erasure. */
  FOLLOW,
  /** Keep the alias where it is, count it as serving erased data and let the alert fire. */
  HOLD;

  public static AliasPolicy parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("alias policy must be follow or hold, got " + value);
    }
  }
}
