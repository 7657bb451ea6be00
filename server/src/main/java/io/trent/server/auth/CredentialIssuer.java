package io.trent.server.auth;

import io.trent.core.auth.AccessKey;
import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.auth.PrincipalTags;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.SealedBytes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Creates principals and their access keys, and removes them. A user or account root gets a
 * long-term key ({@code AKIA...}); a role gets temporary credentials ({@code ASIA...}, a session
 * token and an expiry), as AWS STS issues for roles. The secret is sealed under the HSM's credential
 * key before it is stored; the session token is stored only as its SHA-256.
 */
public final class CredentialIssuer {
  /** How long role credentials last unless asked otherwise: STS's default for AssumeRole. */
  public static final Duration DEFAULT_SESSION = Duration.ofHours(1);
  /** The longest role session STS allows. */
  public static final Duration MAX_SESSION = Duration.ofHours(12);
  private static final char[] KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final char[] SECRET_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MetadataStore store;
  private final KeyBackend backend;
  private final Clock clock;

  public CredentialIssuer(MetadataStore store, KeyBackend backend, Clock clock) {
    this.store = store;
    this.backend = backend;
    this.clock = clock;
  }

  /**
   * Stores the principal (or, when it exists, replaces its policy if one is given) and issues it a
   * new access key.
   *
   * @param policy the identity policy document, or null
   * @param session how long role credentials last (ignored for users and roots)
   */
  public IssuedCredentials issue(PrincipalArn arn, String policy, Duration session) {
    return issue(arn, policy, PrincipalTags.NONE, session);
  }

  /**
   * As {@link #issue(PrincipalArn, String, Duration)}, and replaces the principal's tags when {@code tags}
   * is not empty.
   */
  public IssuedCredentials issue(PrincipalArn arn, String policy, PrincipalTags tags, Duration session) {
    Objects.requireNonNull(arn, "arn");
    Instant now = clock.instant();
    boolean temporary = arn.kind() == PrincipalArn.Kind.ROLE;
    String accessKeyId = (temporary ? "ASIA" : "AKIA") + random(KEY_ID_ALPHABET, 16);
    String secret = random(SECRET_ALPHABET, 40);
    String token = temporary ? Base64.getEncoder().encodeToString(randomBytes(96)) : null;
    Instant expiration = temporary ? now.plus(session) : null;
    byte[] secretBytes = secret.getBytes(StandardCharsets.US_ASCII);
    SealedBytes sealed;
    try {
      sealed = backend.seal(AccessKey.sealingAad(accessKeyId, arn), secretBytes);
    } finally {
      Arrays.fill(secretBytes, (byte) 0);
    }
    store.putPrincipal(new Principal(arn, policy, now, tags));
    store.insertAccessKey(new AccessKey(accessKeyId, arn, sealed, temporary ? sha256(token) : null, expiration, now));
    return new IssuedCredentials(arn.value(), accessKeyId, secret, token, expiration);
  }

  /** Removes the principal and all its keys; false when there was none. */
  public boolean revoke(String arn) {
    return store.deletePrincipal(arn);
  }

  private static String random(char[] alphabet, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = alphabet[RANDOM.nextInt(alphabet.length)];
    }
    return new String(chars);
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
