package io.lethe.registry;

import io.lethe.registry.internals.cert.Ed25519Signer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's two secrets, the certificate signing key and the admin token: taken from the
 * configuration, else kept in files of the data directory (created once, readable by their owner
 * only), else generated for one run. A secret's value is never logged; its file's path is.
 */
final class Secrets {
  private static final Logger log = LoggerFactory.getLogger(Secrets.class);
  static final String SIGNING_KEY_FILE = "signing-key";
  static final String ADMIN_TOKEN_FILE = "admin-token";

  private Secrets() {}

  static Ed25519Signer signer(RegistryConfig config) {
    if (config.signingKey() != null) {
      Ed25519Signer signer = Ed25519Signer.fromPkcs8(config.signingKey());
      log.info("Deletion certificates signed with the configured key {}", signer.keyId());
      return signer;
    }
    if (config.dataDir() != null) {
      Path file = config.dataDir().resolve(SIGNING_KEY_FILE);
      Ed25519Signer signer =
          Ed25519Signer.fromPkcs8(
              readOrCreate(file, () -> Ed25519Signer.generate().privateKeyBase64()));
      log.info("Deletion certificates signed with key {} kept in {}", signer.keyId(), file);
      return signer;
    }
    Ed25519Signer signer = Ed25519Signer.generate();
    log.warn(
        "No {}signing-key nor {}data-dir configured: generated Ed25519 key {} for this run only;"
            + " its certificates verify only against a registry whose database kept the keyring",
        RegistryConfig.PREFIX,
        RegistryConfig.PREFIX,
        signer.keyId());
    return signer;
  }

  static String adminToken(RegistryConfig config) {
    if (config.adminToken() != null) {
      return config.adminToken();
    }
    Path file;
    String token;
    if (config.dataDir() != null) {
      file = config.dataDir().resolve(ADMIN_TOKEN_FILE);
      token = readOrCreate(file, Secrets::randomToken);
    } else {
      token = randomToken();
      try {
        file =
            Files.createTempFile(
                "lethe-registry-admin-token-",
                "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the generated admin token", e);
      }
    }
    log.warn(
        "No {}admin-token configured: mutating endpoints accept the bearer token in {} (readable"
            + " by its owner only)",
        RegistryConfig.PREFIX,
        file);
    return token;
  }

  private static String randomToken() {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /** The file's trimmed content; when absent, {@code fresh} written to a new owner-only file. */
  private static String readOrCreate(Path file, java.util.function.Supplier<String> fresh) {
    try {
      Files.createDirectories(file.getParent());
      if (!Files.exists(file)) {
        String value = fresh.get();
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
          return value;
        } catch (FileAlreadyExistsException raced) {
          // Another process created it first: use theirs.
        }
      }
      if (Files.size(file) > 16 * 1024) {
        throw new IllegalStateException(file + " is too large to be a registry secret");
      }
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }
}
