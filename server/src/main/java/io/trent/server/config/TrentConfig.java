package io.trent.server.config;

import io.trent.core.key.ServiceIdentity;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The whole server configuration: one immutable record per YAML section.
 *
 * <p>Values come from, in increasing precedence: built-in defaults, the YAML file, environment
 * variables {@code TRENT_<SECTION>_<KEY>} (e.g. {@code TRENT_SERVER_PORT},
 * {@code TRENT_PKCS11_TOKEN_LABEL}, {@code TRENT_DATA_DIR}), then the {@code with...} methods
 * the command line uses. The token PIN is never part of the file: it comes from
 * {@code TRENT_PKCS11_PIN} ({@link #pkcs11Pin()}) or from {@link #pinFile()}.
 *
 * @param server the listener and worker pool
 * @param identity the partition, region and account in ARNs
 * @param auth how callers are authenticated
 * @param tls HTTPS, and its certificates
 * @param dataDir where the embedded database, PIN files and dev token live; absolute
 * @param metadata the metadata database
 * @param pkcs11 the HSM token
 * @param kms service limits and the maintenance schedule
 * @param audit the audit trail's directory, node id and rotation
 * @param pkcs11Pin the user PIN from {@code TRENT_PKCS11_PIN}, or null to read {@link #pinFile()}
 */
public record TrentConfig(
    ServerConfig server,
    ServiceIdentity identity,
    AuthConfig auth,
    TlsConfig tls,
    Path dataDir,
    MetadataConfig metadata,
    Pkcs11Config pkcs11,
    KmsConfig kms,
    AuditConfig audit,
    Secret pkcs11Pin) {

  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

  public TrentConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(pkcs11, "pkcs11");
    Objects.requireNonNull(kms, "kms");
    Objects.requireNonNull(audit, "audit");
    // Resolved once, so a later change of working directory cannot move the data.
    dataDir = dataDir.toAbsolutePath().normalize();
    if (identity.partition() == null || identity.partition().isBlank()) {
      throw new ConfigException("identity.partition must not be empty");
    }
    if (identity.region() == null || identity.region().isBlank()) {
      throw new ConfigException("identity.region must not be empty");
    }
    if (identity.accountId() == null || !ACCOUNT_ID.matcher(identity.accountId()).matches()) {
      throw new ConfigException("identity.accountId must be 12 digits, not '" + identity.accountId() + "'");
    }
  }

  /**
   * Loads a YAML file over the built-in defaults, then applies environment overrides.
   *
   * @param yaml the configuration file
   * @param env the environment, usually {@code System.getenv()}
   */
  public static TrentConfig load(Path yaml, Map<String, String> env) {
    return ConfigLoader.load(Objects.requireNonNull(yaml, "yaml"), env);
  }

  /** The built-in defaults with environment overrides, for tests and embedding. */
  public static TrentConfig defaults(Map<String, String> env) {
    return ConfigLoader.load(null, env);
  }

  public TrentConfig withPort(int port) {
    return new TrentConfig(server.withPort(port), identity, auth, tls, dataDir, metadata, pkcs11, kms, audit, pkcs11Pin);
  }

  public TrentConfig withTls(TlsConfig newTls) {
    return new TrentConfig(server, identity, auth, newTls, dataDir, metadata, pkcs11, kms, audit, pkcs11Pin);
  }

  public TrentConfig withDataDir(Path newDataDir) {
    return new TrentConfig(server, identity, auth, tls, newDataDir, metadata, pkcs11, kms, audit, pkcs11Pin);
  }

  public TrentConfig withMetadata(MetadataConfig newMetadata) {
    return new TrentConfig(server, identity, auth, tls, dataDir, newMetadata, pkcs11, kms, audit, pkcs11Pin);
  }

  public TrentConfig withPkcs11(Pkcs11Config newPkcs11) {
    return new TrentConfig(server, identity, auth, tls, dataDir, metadata, newPkcs11, kms, audit, pkcs11Pin);
  }

  public TrentConfig withAudit(AuditConfig newAudit) {
    return new TrentConfig(server, identity, auth, tls, dataDir, metadata, pkcs11, kms, newAudit, pkcs11Pin);
  }

  public TrentConfig withPkcs11Pin(Secret pin) {
    return new TrentConfig(server, identity, auth, tls, dataDir, metadata, pkcs11, kms, audit, pin);
  }

  /** The user PIN file: {@code pkcs11.pinFile}, or {@code <dataDir>/pin} when that is empty. */
  public Path pinFile() {
    return pkcs11.pinFile().isEmpty()
        ? dataDir.resolve("pin")
        : Path.of(pkcs11.pinFile()).toAbsolutePath().normalize();
  }

  /** The security officer PIN file written when a development token is provisioned. */
  public Path soPinFile() {
    return dataDir.resolve("so-pin");
  }
}
