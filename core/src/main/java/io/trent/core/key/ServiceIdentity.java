package io.trent.core.key;

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
}
