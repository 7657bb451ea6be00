package io.trent.server.auth;

import java.time.Instant;

/**
 * Credentials just issued, shown once to whoever asked (never stored in this form).
 *
 * @param arn the principal's ARN
 * @param accessKeyId the access key id
 * @param secretAccessKey the secret access key
 * @param sessionToken the session token of temporary credentials (roles), else null
 * @param expiration when temporary credentials expire, else null
 */
public record IssuedCredentials(String arn, String accessKeyId, String secretAccessKey, String sessionToken,
    Instant expiration) {

  @Override
  public String toString() {
    return "IssuedCredentials[" + arn + ", " + accessKeyId + "]"; // never the secret or token
  }
}
