package io.lethe.registry.internals.health;

/** One part's health: up, or down with a reason fit for the {@code /health} body. */
record Check(boolean up, String reason) {
  static final Check UP = new Check(true, null);

  static Check down(String reason) {
    return new Check(false, reason);
  }
}
