package io.trent.core.key;

import java.util.Objects;

/**
 * Where KMS resources live: one account in one region of a partition. A key belongs to the account of
 * the caller that created it and the region of that request; an alias name is unique within one
 * account and region; a request sees the keys and aliases of its caller's account and its region.
 *
 * @param partition e.g. {@code aws}
 * @param accountId 12 digits
 * @param region e.g. {@code us-east-1}
 */
public record AccountRegion(String partition, String accountId, String region) {
  public AccountRegion {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(region, "region");
  }

  /** The ARN of a key of this account and region. */
  public Arn keyArn(String keyId) {
    return Arn.of(this, "key/" + keyId);
  }

  /** The ARN of an alias ({@code alias/...}) of this account and region. */
  public Arn aliasArn(String aliasName) {
    return Arn.of(this, aliasName);
  }

  /** The same account in another region. */
  public AccountRegion withRegion(String otherRegion) {
    return new AccountRegion(partition, accountId, otherRegion);
  }

  @Override
  public String toString() {
    return accountId + "/" + region;
  }
}
