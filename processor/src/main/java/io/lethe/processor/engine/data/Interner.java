package io.lethe.processor.engine.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives each distinct string an int code in order of first appearance, so that a million rows hold
 * a million ints and one copy of each distinct label or subject, not a million strings.
 */
final class Interner {

  private final Map<String, Integer> codes = new HashMap<>();
  private final List<String> names = new ArrayList<>();

  int code(String name) {
    Integer code = codes.get(name);
    if (code == null) {
      code = names.size();
      codes.put(name, code);
      names.add(name);
    }
    return code;
  }

  /** The code of {@code name}, or -1 if it never appeared. */
  int find(String name) {
    Integer code = codes.get(name);
    return code == null ? -1 : code;
  }

  String name(int code) {
    return names.get(code);
  }

  int size() {
    return names.size();
  }

  /** The distinct strings, indexed by code. */
  List<String> names() {
    return names;
  }
}
