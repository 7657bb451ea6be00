package io.trent.core.key;

import java.time.Instant;
import java.util.Objects;

/**
 * An alias: a friendly name ({@code alias/...}) pointing at one KMS key of the same account and region.
 * Names are unique per account and region.
 *
 * @param home the account and region the alias belongs to
 * @param name the full alias name, starting with {@code alias/}
 * @param targetKeyId the key id it points at
 * @param createdAt creation time
 * @param lastUpdatedAt last time its target changed
 */
public record Alias(AccountRegion home, String name, String targetKeyId, Instant createdAt, Instant lastUpdatedAt) {
  public Alias {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(name, "name");
  }

  /** The alias ARN, {@code arn:<partition>:kms:<region>:<account>:alias/<name>}. */
  public Arn arn() {
    return home.aliasArn(name);
  }
}
