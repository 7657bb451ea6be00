package io.trent.server.config;

import io.trent.pkcs11.GcmIvSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The {@code pkcs11} section: the HSM token that holds every KMS key.
 *
 * @param library the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so
 * @param tokenLabel the label of the token to use (slot ids are not stable, labels are)
 * @param pinFile the file holding the user PIN; empty means {@code <dataDir>/pin}
 * @param autoProvision create the token with random PINs when it is absent (development)
 * @param sessionPoolSize PKCS#11 sessions kept open for requests
 * @param borrowTimeoutMillis how long a request waits for a free session
 * @param ivSource where AES-GCM IVs come from
 * @param objectCheckIntervalMillis how soon a key whose token object was destroyed outside Trent
 *     stops working (the token objects behind cached handles are checked this often)
 */
public record Pkcs11Config(
    Path library,
    String tokenLabel,
    String pinFile,
    boolean autoProvision,
    int sessionPoolSize,
    long borrowTimeoutMillis,
    GcmIvSource ivSource,
    long objectCheckIntervalMillis) {

  public Pkcs11Config {
    if (library == null || library.toString().isBlank()) {
      throw new ConfigException("pkcs11.library must be set");
    }
    // CK_TOKEN_INFO.label is a 32-byte field.
    if (tokenLabel == null || tokenLabel.isBlank() || tokenLabel.getBytes(StandardCharsets.UTF_8).length > 32) {
      throw new ConfigException("pkcs11.tokenLabel must have 1 to 32 bytes, not '" + tokenLabel + "'");
    }
    pinFile = pinFile == null ? "" : pinFile.trim();
    ServerConfig.requirePositive("pkcs11.sessionPoolSize", sessionPoolSize);
    ServerConfig.requirePositive("pkcs11.borrowTimeoutMillis", borrowTimeoutMillis);
    ServerConfig.requirePositive("pkcs11.objectCheckIntervalMillis", objectCheckIntervalMillis);
    if (ivSource == null) {
      throw new ConfigException("pkcs11.ivSource must be set (TOKEN_RNG or HSM_GENERATED)");
    }
  }
}
