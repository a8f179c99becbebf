package io.lethe.processor;

/** Whether the processor is doing its work, and if not, why (for {@code /health}'s body). */
public record Health(boolean up, String reason) {
  public static final Health UP = new Health(true, null);

  public static Health down(String reason) {
    return new Health(false, reason);
  }

  /** The first of these that is down, else UP. */
  public static Health all(Health... checks) {
    for (Health h : checks) {
      if (!h.up()) {
        return h;
      }
    }
    return UP;
  }
}
