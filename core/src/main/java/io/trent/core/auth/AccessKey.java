package io.trent.core.auth;

import io.trent.core.spi.SealedBytes;
import java.time.Instant;
import java.util.Objects;

/**
 * One access key of a principal as stored: the secret only sealed under the HSM's credential key
 * ({@link io.trent.core.spi.KeyBackend#seal}), never in plain text. Temporary credentials (issued
 * for roles) also have a session token, stored only as its SHA-256, and an expiry.
 *
 * @param accessKeyId e.g. {@code AKIA...} (long-term) or {@code ASIA...} (temporary)
 * @param principalArn the principal the key belongs to
 * @param sealedSecret the secret access key sealed with {@link #sealingAad()} as AAD
 * @param sessionTokenSha256 SHA-256 of the session token, or null for a long-term key
 * @param expiresAt when temporary credentials expire, or null for a long-term key
 * @param createdAt when the key was issued
 */
public record AccessKey(String accessKeyId, PrincipalArn principalArn, SealedBytes sealedSecret,
    byte[] sessionTokenSha256, Instant expiresAt, Instant createdAt) {
  public AccessKey {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(principalArn, "principalArn");
    Objects.requireNonNull(sealedSecret, "sealedSecret");
    Objects.requireNonNull(createdAt, "createdAt");
    if ((sessionTokenSha256 == null) != (expiresAt == null)) {
      throw new IllegalArgumentException("a session token and an expiry go together");
    }
  }

  /** Whether these are temporary credentials, used with a session token. */
  public boolean temporary() {
    return sessionTokenSha256 != null;
  }

  /**
   * The AAD the secret is sealed with: it binds the sealed secret to its access key id and principal,
   * so a sealed secret copied onto another row does not unseal.
   */
  public byte[] sealingAad() {
    return sealingAad(accessKeyId, principalArn);
  }

  /** As {@link #sealingAad()}, before the record exists. */
  public static byte[] sealingAad(String accessKeyId, PrincipalArn principalArn) {
    return ("trent-credential:" + accessKeyId + ":" + principalArn.value())
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
