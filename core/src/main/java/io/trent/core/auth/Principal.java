package io.trent.core.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A caller Trent knows: an IAM user or role, or an account root, named by its ARN, with the IAM
 * identity policy attached to it and its tags ({@code aws:PrincipalTag/<key>} in requests).
 *
 * @param arn the principal ARN, e.g. {@code arn:aws:iam::111122223333:user/alice}
 * @param policy the identity policy document as given (JSON), or null for none
 * @param createdAt when it was first stored
 * @param tags its tags, {@link PrincipalTags#NONE} for none
 */
public record Principal(PrincipalArn arn, String policy, Instant createdAt, PrincipalTags tags) {
  public Principal {
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(createdAt, "createdAt");
    tags = tags == null ? PrincipalTags.NONE : tags;
  }

  /** A principal without tags. */
  public Principal(PrincipalArn arn, String policy, Instant createdAt) {
    this(arn, policy, createdAt, PrincipalTags.NONE);
  }

  /** The account the principal belongs to: the ARN's. */
  public String accountId() {
    return arn.accountId();
  }

  /**
   * Its unique id, as IAM gives one to every user ({@code AIDA} + 17 characters) and role ({@code AROA} + 17)
   * [D iamdoc:reference_identifiers#identifiers-unique-ids]; an account root's is its account id. It is a hash
   * of the ARN and the creation time, so it stays the same while the principal exists and changes when it is
   * removed and added again, as IAM's does: the point of {@code aws:userid} in policies.
   */
  public String uniqueId() {
    return switch (arn.kind()) {
      case ROOT -> arn.accountId();
      case USER -> "AIDA" + hash17();
      case ROLE -> "AROA" + hash17();
    };
  }

  private String hash17() {
    byte[] digest;
    try {
      digest = java.security.MessageDigest.getInstance("SHA-256").digest(
          (arn.value() + "|" + createdAt.getEpochSecond()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
    // Base32 (A-Z, 2-7): upper-case letters and digits, IAM's alphabet for unique ids.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder out = new StringBuilder(17);
    for (int bit = 0; out.length() < 17; bit += 5) {
      int value = ((digest[bit / 8] & 0xFF) << 8 | (digest[bit / 8 + 1] & 0xFF)) >> (11 - bit % 8) & 0x1F;
      out.append(alphabet.charAt(value));
    }
    return out.toString();
  }
}
