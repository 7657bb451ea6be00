package io.trent.core.key;

import java.util.Objects;

/**
 * A KMS resource ARN, {@code arn:<partition>:kms:<region>:<account>:<resource>}, where the resource is
 * {@code key/<key-id>} or {@code alias/<name>}: a key's and an alias's own name, which says the account
 * and the region it belongs to.
 *
 * @param value the ARN as written
 * @param partition e.g. {@code aws}
 * @param region e.g. {@code us-east-1}
 * @param accountId the owning account, 12 digits
 * @param resource {@code key/<key-id>} or {@code alias/<name>}
 */
public record Arn(String value, String partition, String region, String accountId, String resource) {
  public Arn {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(resource, "resource");
  }

  /** The ARN of a resource ({@code key/...} or {@code alias/...}) of the account and region. */
  public static Arn of(AccountRegion home, String resource) {
    return new Arn("arn:" + home.partition() + ":kms:" + home.region() + ":" + home.accountId() + ":" + resource,
        home.partition(), home.region(), home.accountId(), resource);
  }

  /**
   * Reads a KMS ARN as a request names a key or alias: six colon-separated parts whose service is
   * {@code kms}. The parts are not checked further: what a malformed part means is the caller's answer.
   *
   * @return the ARN, or null when it is not a KMS ARN
   */
  public static Arn parse(String value) {
    String[] parts = value.split(":", 6);
    if (parts.length != 6 || !"arn".equals(parts[0]) || !"kms".equals(parts[2])) {
      return null;
    }
    return new Arn(value, parts[1], parts[3], parts[4], parts[5]);
  }

  /** The account and region the resource belongs to. */
  public AccountRegion home() {
    return new AccountRegion(partition, accountId, region);
  }

  @Override
  public String toString() {
    return value;
  }
}
