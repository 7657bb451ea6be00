package io.trent.core.key;

import io.trent.core.auth.Caller;

/**
 * The partition, region and account this server answers as by default: the account whose root a dev-mode
 * request acts as, the region of a request that names none, and the account and region keys stored
 * before keys had their own (schema V10) belong to. A key's and an alias's ARN are their own
 * ({@link KmsKey#arn()}, {@link Alias#arn()}), not this identity's.
 *
 * @param partition the ARN partition, "aws"
 * @param region the region, e.g. us-east-1
 * @param accountId the 12-digit account id
 */
public record ServiceIdentity(String partition, String region, String accountId) {
  /** The default account and region. */
  public AccountRegion home() {
    return new AccountRegion(partition, accountId, region);
  }

  /**
   * The account root {@code arn:<partition>:iam::<account>:root}, as the caller of a request that is not
   * signed (dev mode, where any credentials are accepted): it has no access key id.
   */
  public Caller rootCaller() {
    return new Caller(accountId, "arn:" + partition + ":iam::" + accountId + ":root", "", region, false);
  }
}
