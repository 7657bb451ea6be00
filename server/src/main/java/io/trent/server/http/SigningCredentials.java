package io.trent.server.http;

import java.time.Instant;

/**
 * Where {@link SigV4Verifier} finds the secret of an access key. Called on the event loop, so an
 * implementation answers from memory and never blocks (the HSM and the database are read ahead of
 * time, see {@code io.trent.server.auth.CredentialCache}).
 */
@FunctionalInterface
public interface SigningCredentials {

  /** The credential of an access key id, or null when Trent knows no such key. */
  Credential find(String accessKeyId);

  /**
   * One access key as the verifier needs it.
   *
   * @param accessKeyId the key id
   * @param principalArn the principal's ARN
   * @param accountId the principal's account
   * @param secretAccessKey the secret: a String because the AWS SDK's signer takes one
   * @param sessionTokenSha256 SHA-256 of the session token of temporary credentials, else null
   * @param expiresAt when temporary credentials expire, else null
   */
  record Credential(String accessKeyId, String principalArn, String accountId, String secretAccessKey,
      byte[] sessionTokenSha256, Instant expiresAt) {

    @Override
    public String toString() {
      return "Credential[" + accessKeyId + ", " + principalArn + "]"; // never the secret
    }
  }
}
