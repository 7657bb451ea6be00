package io.trent.core.key;

import io.trent.core.auth.Caller;

/**
 * The partition, region and account this server answers as; used to build ARNs.
 *
 * @param partition the ARN partition, "aws"
 * @param region the region, e.g. us-east-1
 * @param accountId the 12-digit account id
 */
public record ServiceIdentity(String partition, String region, String accountId) {
  public String keyArn(String keyId) {
    return "arn:" + partition + ":kms:" + region + ":" + accountId + ":key/" + keyId;
  }

  public String aliasArn(String aliasName) {
    return "arn:" + partition + ":kms:" + region + ":" + accountId + ":" + aliasName;
  }

  /**
   * The account root {@code arn:<partition>:iam::<account>:root}, as the caller of a request that is not
   * signed (dev mode, where any credentials are accepted): it has no access key id.
   */
  public Caller rootCaller() {
    return new Caller(accountId, "arn:" + partition + ":iam::" + accountId + ":root", "", region, false);
  }
}
