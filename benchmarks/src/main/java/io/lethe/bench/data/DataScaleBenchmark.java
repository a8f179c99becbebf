package io.lethe.bench.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.lethe.processor.engine.data.DatasetLoader;
import io.lethe.processor.engine.data.DatasetSpec;
import io.lethe.processor.engine.data.ModelData;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * How much a large dataset costs to load: a CSV table of 1,000,000 rows x 32 features (plus id,
 * subject, label and split columns) and a 60,000-image NPZ set (plus a 10,000-image test file and a
 * string subject manifest), generated in a temporary folder and loaded through {@link
 * DatasetLoader}, as a model's data is. Prints per set the load time, the heap held after a GC, the
 * peak heap during the load, the process RSS (and its peak) from {@code /proc/self/status}, and the
 * bytes of the dataset's own arrays. Meant for the default {@code -Xmx4g}; the figures are in
 * {@code docs/bench/data-scale.md}.
 *
 * <pre>java -Xmx4g -cp benchmarks/target/classes:processor/target/classes:$(cat cp.txt) \
 *     io.lethe.bench.data.DataScaleBenchmark [rows [features [images]]]</pre>
 */
public final class DataScaleBenchmark {

  private static final int SAMPLES_PER_SUBJECT = 10;
  private static final int TEST_EVERY = 10;

  private DataScaleBenchmark() {}

  public static void main(String[] args) throws IOException {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int features = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int images = args.length > 2 ? Integer.parseInt(args[2]) : 60_000;
    Path dir = Files.createTempDirectory("lethe-data-scale");
    try {
      System.out.printf(
          Locale.ROOT,
          "java %s, %d CPUs, max heap %d MiB%n",
          System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20);
      long t = System.nanoTime();
      Path csv = writeCsv(dir.resolve("table.csv"), rows, features);
      System.out.printf(
          Locale.ROOT,
          "generated %s: %d MiB in %.1f s%n",
          csv.getFileName(),
          Files.size(csv) >> 20,
          seconds(t));
      DatasetSpec table =
          DatasetSpec.csv("table.csv", DatasetSpec.Split.defaults()).withStandardize(true);
      measure("CSV " + rows + " rows x " + features + " features", table, dir);

      t = System.nanoTime();
      writeNpz(dir, images, images / 6);
      System.out.printf(
          Locale.ROOT,
          "generated train.npz (%d MiB), test.npz, subjects.csv in %.1f s%n",
          Files.size(dir.resolve("train.npz")) >> 20,
          seconds(t));
      DatasetSpec npz = DatasetSpec.npz("train.npz", "test.npz").withSubjects("subjects.csv");
      measure("NPZ " + images + " + " + images / 6 + " images 1x28x28", npz, dir);
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  private static void measure(String name, DatasetSpec spec, Path dir) {
    Memory before = Memory.now();
    resetPeaks();
    long t = System.nanoTime();
    ModelData data = DatasetLoader.load(spec, dir);
    double loadSeconds = seconds(t);
    long peakHeap = peakHeap();
    Memory after = Memory.now();
    long own =
        data.train().data().baseBytes()
            + data.test().data().baseBytes()
            + data.train().subjects().arrayBytes()
            + data.test().subjects().arrayBytes();
    System.out.printf(Locale.ROOT, "%n== %s%n", name);
    System.out.printf(
        Locale.ROOT,
        "loaded: train %d, test %d samples of %s, %d classes, %d training subjects%n",
        data.train().data().size(),
        data.test().data().size(),
        data.shape(),
        data.numClasses(),
        data.train().subjects().size());
    System.out.printf(Locale.ROOT, "load time            %8.1f s%n", loadSeconds);
    System.out.printf(
        Locale.ROOT,
        "dataset arrays       %8.1f MiB (features, labels, ids, subject index)%n",
        mib(own));
    System.out.printf(
        Locale.ROOT,
        "heap after GC        %8.1f MiB (was %.1f before the load: +%.1f)%n",
        mib(after.heapUsed),
        mib(before.heapUsed),
        mib(after.heapUsed - before.heapUsed));
    System.out.printf(
        Locale.ROOT, "peak heap in load    %8.1f MiB (sum of pool peaks)%n", mib(peakHeap));
    System.out.printf(
        Locale.ROOT,
        "process RSS          %8.1f MiB (peak %.1f; heap committed %.1f, so native and other %.1f)%n",
        mib(after.rss),
        mib(after.rssPeak),
        mib(after.heapCommitted),
        mib(after.rss - after.heapCommitted));
    // Keep the data reachable until it has been measured.
    java.lang.ref.Reference.reachabilityFence(data);
  }

  /** The memory figures of this process now, after a GC. */
  private record Memory(long heapUsed, long heapCommitted, long rss, long rssPeak) {
    static Memory now() {
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      Runtime rt = Runtime.getRuntime();
      long[] status = procStatus();
      return new Memory(rt.totalMemory() - rt.freeMemory(), rt.totalMemory(), status[0], status[1]);
    }
  }

  /** {@code VmRSS} and {@code VmHWM} in bytes (-1 where /proc is not there). */
  private static long[] procStatus() {
    long rss = -1;
    long hwm = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        } else if (line.startsWith("VmHWM:")) {
          hwm = kib(line);
        }
      }
    } catch (IOException e) {
      // not Linux: leave -1
    }
    return new long[] {rss, hwm};
  }

  private static long kib(String line) {
    return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /**
   * A table like a user's: integer ids, string subjects ({@value #SAMPLES_PER_SUBJECT} rows each),
   * four string labels, numbers with four decimals, every {@value #TEST_EVERY}th row a test row.
   */
  private static Path writeCsv(Path file, int rows, int features) throws IOException {
    SplittableRandom random = new SplittableRandom(1);
    String[] labels = {"alpha", "beta", "gamma", "delta"};
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder("sample_id,subject_id,label,split");
      for (int j = 0; j < features; j++) {
        line.append(",f").append(j);
      }
      out.write(line.append('\n').toString());
      for (int i = 0; i < rows; i++) {
        line.setLength(0);
        int label = random.nextInt(labels.length);
        line.append(i)
            .append(",user-")
            .append(i / SAMPLES_PER_SUBJECT)
            .append(',')
            .append(labels[label])
            .append(i % TEST_EVERY == 0 ? ",test" : ",train");
        for (int j = 0; j < features; j++) {
          // A feature that depends on the label, so the table is learnable, in [-100, 100).
          int v = random.nextInt(2_000_000) - 1_000_000 + (j % labels.length == label ? 50_000 : 0);
          appendFixed4(line.append(','), v);
        }
        out.write(line.append('\n').toString());
      }
    }
    return file;
  }

  /** Appends {@code v / 10000} with four decimals, without String.format's cost per cell. */
  private static void appendFixed4(StringBuilder out, int v) {
    if (v < 0) {
      out.append('-');
      v = -v;
    }
    out.append(v / 10_000).append('.');
    int frac = v % 10_000;
    if (frac < 1000) {
      out.append('0');
    }
    if (frac < 100) {
      out.append('0');
    }
    if (frac < 10) {
      out.append('0');
    }
    out.append(frac);
  }

  /** MNIST-like files written with DJL's NPZ encoder, and a string subject manifest. */
  private static void writeNpz(Path dir, int train, int test) throws IOException {
    SplittableRandom random = new SplittableRandom(2);
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      writeNpzFile(manager, dir.resolve("train.npz"), 0, train, random);
      writeNpzFile(manager, dir.resolve("test.npz"), train, test, random);
    }
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("subjects.csv"))) {
      out.write("sample_id,subject_id\n");
      for (int i = 0; i < train + test; i++) {
        out.write(i + ",writer-" + i / SAMPLES_PER_SUBJECT + "\n");
      }
    }
  }

  private static void writeNpzFile(
      NDManager manager, Path file, int firstId, int n, SplittableRandom random)
      throws IOException {
    float[] pixels = new float[n * 784];
    for (int i = 0; i < pixels.length; i++) {
      // Mostly background, like a digit: a quarter of the pixels lit.
      pixels[i] = random.nextInt(4) == 0 ? random.nextInt(256) / 255f : 0f;
    }
    long[] labels = new long[n];
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(10);
      ids[i] = firstId + i;
    }
    try (NDManager scoped = manager.newSubManager()) {
      NDArray x = scoped.create(pixels, new ai.djl.ndarray.types.Shape(n, 1, 28, 28));
      x.setName("x");
      NDArray y = scoped.create(labels);
      y.setName("y");
      NDArray s = scoped.create(ids);
      s.setName("sample_id");
      try (OutputStream out = Files.newOutputStream(file)) {
        new NDList(List.of(x, y, s)).encode(out, NDList.Encoding.NPZ);
      }
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
