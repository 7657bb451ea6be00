package io.trent.core.key;

import java.time.Instant;

/**
 * An alias: a friendly name ({@code alias/...}) pointing at one KMS key.
 *
 * @param name the full alias name, starting with {@code alias/}
 * @param targetKeyId the key id it points at
 * @param createdAt creation time
 * @param lastUpdatedAt last time its target changed
 */
public record Alias(String name, String targetKeyId, Instant createdAt, Instant lastUpdatedAt) {}
