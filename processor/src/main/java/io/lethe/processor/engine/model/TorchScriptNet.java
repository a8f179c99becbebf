package io.lethe.processor.engine.model;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The TorchScript side of {@link ClassifierModel}: loading a module with trainable parameters,
 * writing it back as the plain zip {@code torch.jit.load} reads, its features method, and the
 * seeded re-initialization exact retraining starts from.
 *
 * <p>What Lethe needs to rebuild the model's spec (input shape, classes, head, features method)
 * travels in the zip archive's comment, as {@code key=value} lines: PyTorch ignores a zip comment,
 * so the file stays a TorchScript file for any serving stack, and the artifact stays one
 * self-describing file, content-addressed by the sha256 of its bytes.
 */
final class TorchScriptNet {

  /** The format tag in the comment; a new layout gets a new tag. */
  static final String FORMAT = "lethe-torchscript/1";

  private static final int EOCD_SIZE = 22;
  private static final int EOCD_SIGNATURE = 0x06054b50;
  private static final int MAX_COMMENT = 0xFFFF;

  private TorchScriptNet() {}

  /** Whether {@code bytes} look like a zip archive (every TorchScript file is one). */
  static boolean isZip(byte[] bytes) {
    return bytes.length >= 4
        && bytes[0] == 'P'
        && bytes[1] == 'K'
        && bytes[2] == 3
        && bytes[3] == 4;
  }

  /**
   * Loads a TorchScript module with trainable parameters (DJL's {@code trainParam}: without it the
   * tensors are inference tensors and cannot take gradients).
   *
   * @throws IllegalArgumentException when the bytes are not a TorchScript module
   */
  static PtSymbolBlock load(NDManager manager, byte[] bytes) {
    if (!isZip(bytes)) {
      throw new IllegalArgumentException(
          "not a TorchScript file: it is not a zip archive (save the module with"
              + " torch.jit.script(model).save(FILE))");
    }
    if (!(manager instanceof PtNDManager pt)) {
      throw new IllegalStateException(
          "TorchScript modules need DJL's PyTorch engine, not " + manager.getEngine());
    }
    Path file = null;
    try {
      // DJL loads a module with trainable parameters from a path only.
      file = Files.createTempFile("lethe-module", ".pt");
      Files.write(file, bytes);
      return JniUtils.loadModule(pt, file, true, new String[0], new String[0], true);
    } catch (EngineException e) {
      throw new IllegalArgumentException("not a TorchScript module: " + firstLine(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temporary file left behind is harmless
        }
      }
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage()).strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** The module as TorchScript (no DJL length prefix) with {@code metadata} as the zip comment. */
  static byte[] write(PtSymbolBlock block, Map<String, String> metadata) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JniUtils.writeModule(block, out, false);
    return withComment(out.toByteArray(), metadata);
  }

  static byte[] withComment(byte[] zip, Map<String, String> metadata) {
    StringBuilder text = new StringBuilder();
    for (var e : metadata.entrySet()) {
      text.append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    byte[] comment = text.toString().getBytes(StandardCharsets.UTF_8);
    if (comment.length > MAX_COMMENT) {
      throw new IllegalArgumentException("model metadata of " + comment.length + " bytes");
    }
    int eocd = endOfCentralDirectory(zip);
    byte[] result = new byte[eocd + EOCD_SIZE + comment.length];
    System.arraycopy(zip, 0, result, 0, eocd + EOCD_SIZE - 2);
    ByteBuffer.wrap(result, eocd + EOCD_SIZE - 2, 2)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) comment.length);
    System.arraycopy(comment, 0, result, eocd + EOCD_SIZE, comment.length);
    return result;
  }

  /** The {@code key=value} lines of the zip comment (empty when there is none). */
  static Map<String, String> metadata(byte[] zip) {
    int eocd = endOfCentralDirectory(zip);
    int length =
        ByteBuffer.wrap(zip, eocd + EOCD_SIZE - 2, 2).order(ByteOrder.LITTLE_ENDIAN).getShort()
            & 0xFFFF;
    if (eocd + EOCD_SIZE + length > zip.length) {
      throw new IllegalArgumentException("malformed TorchScript file: truncated zip comment");
    }
    String text = new String(zip, eocd + EOCD_SIZE, length, StandardCharsets.UTF_8);
    Map<String, String> metadata = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        metadata.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return metadata;
  }

  /** The offset of the zip's end-of-central-directory record (searched from the end). */
  private static int endOfCentralDirectory(byte[] zip) {
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int lowest = Math.max(0, zip.length - EOCD_SIZE - MAX_COMMENT);
    for (int at = zip.length - EOCD_SIZE; at >= lowest; at--) {
      if (b.getInt(at) == EOCD_SIGNATURE
          && at + EOCD_SIZE + (b.getShort(at + EOCD_SIZE - 2) & 0xFFFF) == zip.length) {
        return at;
      }
    }
    throw new IllegalArgumentException("not a TorchScript file: no zip directory at its end");
  }

  /**
   * The output of the module's method {@code method} on {@code x} (e.g. the features before the
   * head), allocated on {@code x}'s manager.
   */
  static NDArray runMethod(PtSymbolBlock block, String method, NDArray x, boolean training) {
    // The method runs in whatever mode the module is in: one forward of a single row sets it.
    block.forward(new ParameterStore(x.getManager(), false), new NDList(x.get("0:1")), training);
    PtNDManager manager = (PtNDManager) x.getManager();
    try (IValue input = IValue.from((PtNDArray) x);
        IValue output = IValueUtils.runMethod(block, method, input)) {
      return output.toTensor(manager);
    }
  }

  /**
   * Re-initializes every parameter from a generator seeded with {@code seed}, in the module's
   * parameter order, the way PyTorch initializes its Linear and Conv layers by default: a weight of
   * rank 2 or more, and the bias beside it, uniform in (-1/sqrt(fan_in), 1/sqrt(fan_in)) with
   * fan_in the weight's size over its first dimension (its inputs times its kernel); a weight of
   * rank 1 (a normalization layer's scale) 1, its bias 0. Buffers (normalization statistics in the
   * module) are left as they are.
   */
  static void reinitialize(PtSymbolBlock block, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x7057C417L);
    Map<String, Parameter> parameters = new LinkedHashMap<>();
    for (var pair : block.getDirectParameters()) {
      parameters.put(pair.getKey(), pair.getValue());
    }
    for (var e : parameters.entrySet()) {
      NDArray array = e.getValue().getArray();
      Shape shape = array.getShape();
      long fanIn = fanIn(e.getKey(), shape, parameters);
      float[] values = new float[Math.toIntExact(shape.size())];
      if (fanIn > 0) {
        double bound = 1 / Math.sqrt(fanIn);
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
      } else if (fanIn == 0) {
        java.util.Arrays.fill(values, 1f);
      }
      array.set(FloatBuffer.wrap(values));
    }
  }

  /** fan_in for a uniform draw; 0 for a scale of 1; -1 for zeros. */
  private static long fanIn(String name, Shape shape, Map<String, Parameter> parameters) {
    if (shape.dimension() >= 2) {
      return shape.size() / shape.get(0);
    }
    Parameter weight = null;
    if (name.endsWith("bias")) {
      weight = parameters.get(name.substring(0, name.length() - "bias".length()) + "weight");
    }
    if (weight != null && weight.getArray().getShape().dimension() >= 2) {
      Shape w = weight.getArray().getShape();
      return w.size() / w.get(0);
    }
    return weight != null || name.endsWith("bias") ? -1 : 0;
  }
}
