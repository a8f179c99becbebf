package io.lethe.registry.internals.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The web layer sees service views only: no class of it names a database type. */
class LayeringTest {
  static final String DB = "io.lethe.registry.internals.db.";

  @Test
  void webClassesDoNotUseDatabaseRows() throws Exception {
    Path classes =
        Path.of(Routes.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("io/lethe/registry/internals/web");
    List<Class<?>> web = new ArrayList<>();
    try (Stream<Path> files = Files.list(classes)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = f.getFileName().toString().replace(".class", "");
        web.add(Class.forName("io.lethe.registry.internals.web." + name));
      }
    }
    assertTrue(web.size() > 10, "the scenario ran: found " + web.size() + " web classes");
    TreeSet<String> offending = new TreeSet<>();
    for (Class<?> c : web) {
      for (Field f : c.getDeclaredFields()) {
        check(offending, c, f.getGenericType().getTypeName());
      }
      for (Method m : c.getDeclaredMethods()) {
        check(offending, c, m.getGenericReturnType().getTypeName());
        for (var p : m.getGenericParameterTypes()) {
          check(offending, c, p.getTypeName());
        }
      }
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          check(offending, c, rc.getGenericType().getTypeName());
        }
      }
    }
    assertEquals(new TreeSet<>(), offending);
  }

  private static void check(TreeSet<String> offending, Class<?> c, String type) {
    if (type.contains(DB)) {
      offending.add(c.getSimpleName() + " uses " + type);
    }
  }
}
