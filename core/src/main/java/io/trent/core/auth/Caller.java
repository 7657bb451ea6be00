package io.trent.core.auth;

import io.trent.core.key.AccountRegion;
import java.util.Objects;

/**
 * Who made an authenticated request: what a verified SigV4 signature establishes, for
 * authorization and logs.
 *
 * @param accountId the principal's account (12 digits)
 * @param principalArn the principal's ARN (for temporary credentials, the role's)
 * @param accessKeyId the access key the request was signed with; empty for dev mode's stand-in caller, which no
 *     signature identifies
 * @param region the region of the request's credential scope (in dev mode, of the Authorization header's
 *     scope when there is one, else the configured region): the region whose keys the request sees
 * @param sessionToken whether the request used temporary credentials with a session token
 */
public record Caller(String accountId, String principalArn, String accessKeyId, String region,
    boolean sessionToken) {
  public Caller {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(principalArn, "principalArn");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(region, "region");
  }

  /**
   * The account and region the request acts in: the caller's account and the request's region. The
   * partition is the principal ARN's ({@code arn:<partition>:iam::...}).
   */
  public AccountRegion home() {
    int end = principalArn.indexOf(':', 4);
    String partition = principalArn.startsWith("arn:") && end > 4 ? principalArn.substring(4, end) : "aws";
    return new AccountRegion(partition, accountId, region);
  }

  /** Whether no verified signature names this caller: dev mode's account root, which every request acts as. */
  public boolean unsigned() {
    return accessKeyId.isEmpty();
  }

  /** The same caller in another region (dev mode: the region a client's credential scope names). */
  public Caller inRegion(String newRegion) {
    return newRegion.equals(region) ? this : new Caller(accountId, principalArn, accessKeyId, newRegion, sessionToken);
  }

  @Override
  public String toString() {
    return principalArn + " (" + accessKeyId + (sessionToken ? ", session" : "") + ", " + region + ")";
  }
}
