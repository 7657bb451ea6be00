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
}
