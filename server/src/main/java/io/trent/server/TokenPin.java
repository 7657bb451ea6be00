package io.trent.server;

import io.trent.pkcs11.Pkcs11TokenProvisioner;
import io.trent.server.config.ConfigException;
import io.trent.server.config.Secret;
import io.trent.server.config.SecretFile;
import io.trent.server.config.TrentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the token's user PIN and, with {@code pkcs11.autoProvision}, creates the development token.
 *
 * <p>The PIN comes from {@code TRENT_PKCS11_PIN}, else from the PIN file; never from the command
 * line, where every user of the machine could read it. When provisioning, fresh PINs are written
 * to their files before the token is created, so a crash in between cannot leave a token nobody
 * can log in to.
 */
final class TokenPin {
  private static final Logger log = LoggerFactory.getLogger(TokenPin.class);

  private TokenPin() {}

  /** The user PIN, as a fresh array the caller wipes. */
  static char[] resolve(TrentConfig config) {
    return config.pkcs11().autoProvision() ? provisioned(config).chars() : configured(config).chars();
  }

  private static Secret configured(TrentConfig config) {
    if (config.pkcs11Pin() != null) {
      return config.pkcs11Pin();
    }
    Path pinFile = config.pinFile();
    if (!Files.exists(pinFile)) {
      throw new ConfigException("No PIN for token '" + config.pkcs11().tokenLabel() + "': write it to "
          + pinFile + " (mode 0600) or set TRENT_PKCS11_PIN");
    }
    if (SecretFile.isReadableByOthers(pinFile)) {
      log.warn("The PIN file {} is readable by other users; chmod 600 it", pinFile);
    }
    return SecretFile.read(pinFile);
  }

  private static Secret provisioned(TrentConfig config) {
    Path pinFile = config.pinFile();
    Path soPinFile = config.soPinFile();
    List<Path> written = new ArrayList<>();
    Secret userPin = config.pkcs11Pin() != null || Files.exists(pinFile) ? configured(config) : null;
    if (userPin == null) {
      userPin = SecretFile.generatePin();
      SecretFile.create(pinFile, userPin);
      written.add(pinFile);
    }
    Secret soPin;
    if (Files.exists(soPinFile)) {
      soPin = SecretFile.read(soPinFile);
    } else {
      soPin = SecretFile.generatePin();
      SecretFile.create(soPinFile, soPin);
      written.add(soPinFile);
    }

    boolean created;
    try {
      created = Pkcs11TokenProvisioner.provisionIfAbsent(
          config.pkcs11().library(), config.pkcs11().tokenLabel(), soPin.chars(), userPin.chars());
    } catch (RuntimeException e) {
      deleteAll(written);
      throw e;
    }
    if (created) {
      log.info("Created token '{}'; its PINs are in {} and {}", config.pkcs11().tokenLabel(), pinFile, soPinFile);
    } else if (!written.isEmpty()) {
      // The token predates these files, so the PINs just generated are not its PINs.
      deleteAll(written);
      throw new ConfigException("Token '" + config.pkcs11().tokenLabel() + "' already exists but "
          + written.get(0) + " was missing: restore the PIN file, set TRENT_PKCS11_PIN, or delete the token");
    }
    return userPin;
  }

  private static void deleteAll(List<Path> files) {
    for (Path file : files) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.warn("Could not delete {}: {}", file, e.toString());
      }
    }
  }
}
