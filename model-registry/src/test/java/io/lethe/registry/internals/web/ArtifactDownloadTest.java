package io.lethe.registry.internals.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lethe.registry.internals.web.ArtifactDownload.Format;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** An artifact's file name and content type come from what its first bytes say it is. */
class ArtifactDownloadTest {

  @Test
  void aZipIsTorchScriptLethIsLethesFormatAnythingElseIsBytes() {
    assertEquals(Format.TORCHSCRIPT, Format.of(new byte[] {'P', 'K', 3, 4, 0, 0}));
    assertEquals("pt", Format.TORCHSCRIPT.extension);
    assertEquals("application/zip", Format.TORCHSCRIPT.contentType);
    assertEquals(Format.LETHE, Format.of(new byte[] {'L', 'E', 'T', 'H', 0, 0, 0, 2}));
    assertEquals("leth", Format.LETHE.extension);
    // Controls: an empty zip's end record, a short file, random bytes.
    assertEquals(Format.UNKNOWN, Format.of(new byte[] {'P', 'K', 5, 6}));
    assertEquals(Format.UNKNOWN, Format.of(new byte[] {'P', 'K'}));
    assertEquals(Format.UNKNOWN, Format.of("hello".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("application/octet-stream", Format.UNKNOWN.contentType);
  }
}
