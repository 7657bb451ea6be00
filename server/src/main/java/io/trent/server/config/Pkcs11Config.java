package io.trent.server.config;

import io.trent.core.key.DataKeyPairSpec;
import io.trent.pkcs11.GcmIvSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

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
 * @param keyPairPool GenerateDataKeyPair key pairs to generate ahead per spec (none by default); see
 *     docs/configuration.md
 */
public record Pkcs11Config(
    Path library,
    String tokenLabel,
    String pinFile,
    boolean autoProvision,
    int sessionPoolSize,
    long borrowTimeoutMillis,
    GcmIvSource ivSource,
    long objectCheckIntervalMillis,
    Map<DataKeyPairSpec, Integer> keyPairPool) {

  /** Without a key pair pool. */
  public Pkcs11Config(Path library, String tokenLabel, String pinFile, boolean autoProvision, int sessionPoolSize,
      long borrowTimeoutMillis, GcmIvSource ivSource, long objectCheckIntervalMillis) {
    this(library, tokenLabel, pinFile, autoProvision, sessionPoolSize, borrowTimeoutMillis, ivSource,
        objectCheckIntervalMillis, Map.of());
  }

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
    keyPairPool = keyPairPool == null ? Map.of() : Map.copyOf(keyPairPool);
    keyPairPool.forEach((spec, size) -> {
      // A pooled pair is a live session object in the token: keep the token's memory bounded.
      if (size == null || size < 0 || size > 1024) {
        throw new ConfigException("pkcs11.keyPairPool." + spec + " must be between 0 and 1024, not " + size);
      }
    });
  }
}
