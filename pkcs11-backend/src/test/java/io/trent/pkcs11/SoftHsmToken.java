package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A fresh SoftHSM2 token for one test class: a new token directory, the softhsm2.conf that
 * SOFTHSM2_CONF (set by surefire) points at, and a token with a random label and random PINs,
 * created through {@link Pkcs11TokenProvisioner}.
 *
 * <p>SoftHSM2 reads its configuration at every C_Initialize, so a class must close its backend
 * before the next class writes the configuration again (surefire runs classes one after another).
 */
final class SoftHsmToken {

  static final Path LIBRARY = Path.of(System.getProperty("trent.test.softhsm.library",
      "/usr/lib/softhsm/libsofthsm2.so"));
  private static final SecureRandom RANDOM = new SecureRandom();

  final String label;
  final char[] soPin;
  final char[] userPin;
  final Path tokenDirectory;

  private SoftHsmToken(String label, char[] soPin, char[] userPin, Path tokenDirectory) {
    this.label = label;
    this.soPin = soPin;
    this.userPin = userPin;
    this.tokenDirectory = tokenDirectory;
  }

  static SoftHsmToken create(String testName) {
    Path conf = configurationFile();
    Path tokens = conf.getParent().resolve("softhsm-tokens").resolve(testName + "-" + randomHex(4));
    try {
      Files.createDirectories(tokens);
      Files.writeString(conf, "directories.tokendir = " + tokens + "\n"
          + "objectstore.backend = file\n"
          + "log.level = ERROR\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SoftHsmToken token = new SoftHsmToken("trent-" + randomHex(4),
        randomHex(8).toCharArray(), randomHex(8).toCharArray(), tokens);
    assertThat(Pkcs11TokenProvisioner.provisionIfAbsent(LIBRARY, token.label, token.soPin, token.userPin))
        .as("a fresh token directory gets a new token").isTrue();
    return token;
  }

  Pkcs11Settings settings(int poolSize, Duration borrowTimeout) {
    return new Pkcs11Settings(LIBRARY, label, userPin, poolSize, borrowTimeout, GcmIvSource.TOKEN_RNG);
  }

  Pkcs11Settings settings() {
    return settings(4, Duration.ofSeconds(10));
  }

  private static Path configurationFile() {
    String fromEnvironment = System.getenv("SOFTHSM2_CONF");
    assertThat(fromEnvironment)
        .as("SOFTHSM2_CONF must be set for the test JVM (surefire sets it)")
        .isNotBlank();
    return Path.of(fromEnvironment).toAbsolutePath();
  }

  static String randomHex(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return hex(value);
  }

  static String hex(byte[] value) {
    return HexFormat.of().formatHex(value);
  }
}
