package io.lethe.processor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SafeTextTest {
  @Test
  void controlCharactersAreEscapedAndTheLengthIsBounded() {
    assertEquals("a\\u0000b\\u000ac", SafeText.of("a\u0000b\nc", 100));
    assertEquals("plain text é 😀", SafeText.of("plain text é 😀", 100));
    String cut = SafeText.of("x".repeat(1000), 20);
    assertEquals(20, cut.length());
    assertTrue(cut.endsWith("…"));
    // An escape is never cut in half, nor a surrogate pair.
    assertEquals("ab…", SafeText.of("ab\u0000cd", 6));
    assertEquals("a…", SafeText.of("a😀😀", 3));
    assertEquals("\\ud800", SafeText.of("\ud800", 10));
  }

  @Test
  void isCleanRefusesWhatWouldBeEscapedOrCut() {
    assertTrue(SafeText.isClean("req-1", 10));
    assertFalse(SafeText.isClean("\u0000\u0000\u0000\u0000\u0007\u0004k1", 100));
    assertFalse(SafeText.isClean("x".repeat(11), 10));
    assertFalse(SafeText.isClean(null, 10));
  }
}
