package io.lethe.processor.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The datasets shipped on the classpath. */
public final class BuiltinDatasets {

  /** Classpath folder of the built-in MNIST-10k (10,000 real MNIST digits, see its README). */
  public static final String MNIST_10K = "/datasets/mnist-10k/";

  /**
   * The built-in MNIST-10k as a dataset spec, read through the same loader as any user's data: the
   * IDX pair, and the manifest {@code subjects.csv} naming each sample's subject ({@code
   * subject-%04d} owns ids 10k..10k+9) and side ({@code split}: the 2,000 test samples of the
   * original seed-42 split, the other 8,000 train). Paths are classpath resources.
   */
  public static final DatasetSpec MNIST_10K_SPEC =
      new DatasetSpec(
          DatasetSpec.Format.IDX,
          DataFile.CLASSPATH + MNIST_10K + "images-idx3-ubyte.gz",
          DataFile.CLASSPATH + MNIST_10K + "labels-idx1-ubyte.gz",
          null,
          null,
          null,
          DatasetSpec.Split.defaults(),
          java.util.List.of(),
          false,
          null,
          DataFile.CLASSPATH + MNIST_10K + "subjects.csv");

  private static volatile Dataset mnist10k;
  private static volatile ModelData mnist10kModelData;

  private BuiltinDatasets() {}

  /**
   * The 10,000 MNIST digits shipped with Lethe: 1x28x28, labels 0-9, sample id = record index. Read
   * once and cached (the dataset is immutable).
   */
  public static Dataset mnist10k() {
    Dataset cached = mnist10k;
    if (cached == null) {
      synchronized (BuiltinDatasets.class) {
        cached = mnist10k;
        if (cached == null) {
          cached = readResource(MNIST_10K);
          mnist10k = cached;
        }
      }
    }
    return cached;
  }

  /** The built-in MNIST-10k loaded from {@link #MNIST_10K_SPEC}: 8,000 train, 2,000 test. */
  public static ModelData mnist10kModelData() {
    ModelData cached = mnist10kModelData;
    if (cached == null) {
      synchronized (BuiltinDatasets.class) {
        cached = mnist10kModelData;
        if (cached == null) {
          cached = DatasetLoader.load(MNIST_10K_SPEC, null);
          mnist10kModelData = cached;
        }
      }
    }
    return cached;
  }

  private static Dataset readResource(String folder) {
    String images = folder + "images-idx3-ubyte.gz";
    String labels = folder + "labels-idx1-ubyte.gz";
    try (InputStream img = open(images);
        InputStream lab = open(labels)) {
      return IdxReader.read(img, lab, images, labels);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read built-in dataset " + folder, e);
    }
  }

  private static InputStream open(String resource) {
    InputStream in = BuiltinDatasets.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("classpath resource missing: " + resource);
    }
    return in;
  }
}
