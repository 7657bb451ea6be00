package io.trent.server.auth;

import io.trent.server.config.Secret;
import io.trent.server.config.SecretFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes credentials in the AWS shared credentials file format (profile {@code default}), mode
 * 0600, so the aws CLI and the SDKs use them through {@code AWS_SHARED_CREDENTIALS_FILE}.
 */
public final class CredentialsFile {
  private CredentialsFile() {}

  /** Replaces {@code file} with the credentials. */
  public static void write(Path file, IssuedCredentials credentials) {
    StringBuilder text = new StringBuilder()
        .append("# Written by Trent for ").append(credentials.arn()).append('\n')
        .append("[default]\n")
        .append("aws_access_key_id = ").append(credentials.accessKeyId()).append('\n')
        .append("aws_secret_access_key = ").append(credentials.secretAccessKey());
    if (credentials.sessionToken() != null) {
      text.append("\naws_session_token = ").append(credentials.sessionToken());
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot replace " + file, e);
    }
    SecretFile.create(file, Secret.of(text.toString()));
  }
}
