package io.trent.server.config;

import io.trent.core.KmsPolicy;
import java.time.Duration;

/**
 * The {@code kms} section: service limits that are policy, not protocol, and how often the
 * scheduled work (deletion, expiry, automatic rotation) runs.
 *
 * @param onDemandRotationLimit on-demand rotations allowed per key (AWS: 25 in the current developer
 *     guide; older API reference pages say 10)
 * @param gcmRotationThreshold encryptions under one generated key material after which the key is
 *     rotated automatically
 * @param gcmEncryptionLimit encryptions under one key material that are never exceeded: past it,
 *     imported material refuses encryption and generated material waits for its rotation
 * @param maintenanceIntervalMillis how often scheduled deletion, expiry and rotation are checked
 * @param maxGrantsPerKey grants one key may have at once (AWS: 50,000 per customer managed key)
 * @param quotas request rate quotas per account and Region (off unless enabled)
 */
public record KmsConfig(
    int onDemandRotationLimit,
    long gcmRotationThreshold,
    long gcmEncryptionLimit,
    long maintenanceIntervalMillis,
    int maxGrantsPerKey,
    QuotaConfig quotas) {

  /** Without request quotas. */
  public KmsConfig(int onDemandRotationLimit, long gcmRotationThreshold, long gcmEncryptionLimit,
      long maintenanceIntervalMillis, int maxGrantsPerKey) {
    this(onDemandRotationLimit, gcmRotationThreshold, gcmEncryptionLimit, maintenanceIntervalMillis, maxGrantsPerKey,
        QuotaConfig.OFF);
  }

  /**
   * AES-GCM with random 96-bit IVs may be used for at most 2^32 encryptions per key: NIST SP 800-38D,
   * section 8.3, bounds the chance of an IV collision (which would reveal the authentication key)
   * to 2^-32 only up to that many invocations.
   */
  public static final long GCM_RANDOM_IV_BOUND = 1L << 32;

  public KmsConfig {
    if (onDemandRotationLimit < 0) {
      throw new ConfigException("kms.onDemandRotationLimit must be 0 or more, not " + onDemandRotationLimit);
    }
    ServerConfig.requirePositive("kms.gcmRotationThreshold", gcmRotationThreshold);
    // Below the limit, so that encryptions can go on while the rotation runs (and is retried if it fails).
    if (gcmRotationThreshold >= gcmEncryptionLimit) {
      throw new ConfigException("kms.gcmRotationThreshold (" + gcmRotationThreshold
          + ") must be less than kms.gcmEncryptionLimit (" + gcmEncryptionLimit + ")");
    }
    if (gcmEncryptionLimit > GCM_RANDOM_IV_BOUND) {
      throw new ConfigException("kms.gcmEncryptionLimit (" + gcmEncryptionLimit + ") must be at most 2^32 ("
          + GCM_RANDOM_IV_BOUND + "), the NIST SP 800-38D bound for random 96-bit AES-GCM IVs");
    }
    ServerConfig.requirePositive("kms.maintenanceIntervalMillis", maintenanceIntervalMillis);
    ServerConfig.requirePositive("kms.maxGrantsPerKey", maxGrantsPerKey);
    quotas = quotas == null ? QuotaConfig.OFF : quotas;
  }

  /**
   * The limits as core's policy. Counts are reserved a block ahead of use and a restart counts the
   * whole block as used, so the block is at most 1/1024 of the limit: a lowered limit must not be
   * used up by a few restarts (imported material, never rotated, would refuse encryption for good).
   */
  public KmsPolicy policy() {
    long block = Math.max(1, Math.min(KmsPolicy.DEFAULT.encryptionReservationBlock(), gcmEncryptionLimit / 1024));
    return new KmsPolicy(gcmRotationThreshold, gcmEncryptionLimit, block, onDemandRotationLimit, maxGrantsPerKey);
  }

  public Duration maintenanceInterval() {
    return Duration.ofMillis(maintenanceIntervalMillis);
  }
}
