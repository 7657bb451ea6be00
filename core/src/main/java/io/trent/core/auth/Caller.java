package io.trent.core.auth;

import java.util.Objects;

/**
 * Who made an authenticated request: what a verified SigV4 signature establishes, for
 * authorization and logs.
 *
 * @param accountId the principal's account (12 digits)
 * @param principalArn the principal's ARN (for temporary credentials, the role's)
 * @param accessKeyId the access key the request was signed with
 * @param region the region of the request's credential scope
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

  @Override
  public String toString() {
    return principalArn + " (" + accessKeyId + (sessionToken ? ", session" : "") + ", " + region + ")";
  }
}
