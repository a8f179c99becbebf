package io.lethe.launcher;

import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.CatalogException;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.ModelCatalog;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lethe catalog}: check a catalog file, or write the example one to start from. */
@Command(
    name = "catalog",
    mixinStandardHelpOptions = true,
    description = "Check a model catalog, or write the example catalog (docs/catalog.md).",
    subcommands = {CatalogCommand.Check.class, CatalogCommand.Example.class})
public final class CatalogCommand {

  /** {@code lethe catalog check FILE}: everything the processor checks at start, and no more. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Validate a catalog and load every model's data, as `lethe processor` does before it"
              + " starts; print each model, or every problem with its path in the file.")
  static final class Check implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The catalog (YAML).")
    Path file;

    private final PrintStream out = System.out;

    @Override
    public Integer call() {
      ModelCatalog catalog;
      try {
        catalog = ModelCatalog.load(file);
      } catch (CatalogException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      out.println(file + ": " + catalog.ids().size() + " models");
      for (CatalogModel m : catalog.models()) {
        var e = m.entry();
        out.printf(
            "  %-20s %s; train %d rows, test %d rows, samples %s, %d classes %s, %d subjects;"
                + " methods %s (class) / %s (samples)%n",
            m.id(),
            e.architecture().describe(),
            m.train().size(),
            m.test().size(),
            m.train().shape(),
            m.numClasses(),
            m.data().classNames(),
            m.subjects().size(),
            e.classMethod().method(),
            e.sampleMethod().method());
      }
      return 0;
    }
  }

  /** {@code lethe catalog example DIR}: the example catalog and its data, to copy from. */
  @Command(
      name = "example",
      mixinStandardHelpOptions = true,
      description =
          "Write the example catalog (an MLP on the real patient table as CSV, a CNN on an image"
              + " set as NPZ) and its data into DIR.")
  static final class Example implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "Where to write catalog.yaml and its data.")
    Path dir;

    @Override
    public Integer call() throws Exception {
      Files.createDirectories(dir);
      Path file = BuiltinCatalog.writeExamples(dir);
      System.out.println(
          "Wrote " + file + " and its data; check it with: lethe catalog check " + file);
      return 0;
    }
  }
}
