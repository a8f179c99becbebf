package io.lethe.registry.internals.web;

import io.javalin.http.Context;
import io.lethe.registry.internals.service.Views;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Sends an artifact with a file name and content type that say what it is: a TorchScript file (the
 * zip {@code torch.jit.load} reads, what every version of a model trained in PyTorch is) or Lethe's
 * own {@code LETH} format (models Lethe trained itself).
 */
final class ArtifactDownload {

  /** What the first bytes of an artifact say it is. */
  enum Format {
    TORCHSCRIPT("pt", "application/zip", "torchscript"),
    LETHE("leth", "application/vnd.lethe.model", "lethe"),
    UNKNOWN("bin", "application/octet-stream", "unknown");

    final String extension;
    final String contentType;
    final String header;

    Format(String extension, String contentType, String header) {
      this.extension = extension;
      this.contentType = contentType;
      this.header = header;
    }

    static Format of(byte[] head) {
      if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
        return TORCHSCRIPT;
      }
      if (head.length >= 4
          && Arrays.equals(Arrays.copyOf(head, 4), new byte[] {'L', 'E', 'T', 'H'})) {
        return LETHE;
      }
      return UNKNOWN;
    }

    static Format of(Path file) {
      try (InputStream in = Files.newInputStream(file)) {
        return of(in.readNBytes(4));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read an artifact", e);
      }
    }
  }

  private ArtifactDownload() {}

  static void send(Context ctx, Views.ArtifactFile file) {
    Format format = Format.of(file.path());
    String filename =
        file.modelId() + "-v" + file.version() + "-" + file.sha256() + "." + format.extension;
    ctx.contentType(format.contentType);
    ctx.header("X-Lethe-Artifact-Format", format.header);
    // The model id comes from Kafka: only safe characters reach the header.
    ctx.header(
        "Content-Disposition",
        "attachment; filename=\"" + filename.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
    ctx.header("X-Checksum-SHA256", file.sha256());
    ctx.header(
        "Digest",
        "sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(file.sha256())));
    try {
      ctx.result(Files.newInputStream(file.path()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
