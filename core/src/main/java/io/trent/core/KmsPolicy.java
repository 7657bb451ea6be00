package io.trent.core;

/**
 * Service-wide limits that are policy, not protocol.
 *
 * @param gcmEncryptionsBeforeRotation encryptions under one key material after which a key with
 *     generated material is rotated automatically. Random 96-bit GCM IVs are safe for 2^32
 *     encryptions per key (NIST SP 800-38D, 8.3); the default, 2^30, leaves a wide margin.
 * @param gcmEncryptionLimit encryptions under one key material that are never exceeded: past it,
 *     encryption is refused until the key has new material (default 2^32, the SP 800-38D bound).
 *     Imported material is never rotated by Trent, so this is where its use ends.
 * @param encryptionReservationBlock encryptions reserved in the metadata store at a time, so counting
 *     costs one write per block and a crash can only over-count
 * @param maxOnDemandRotations on-demand rotations allowed per key (AWS: 25, in the current developer
 *     guide; older API reference pages say 10, which a deployment can choose here)
 * @param maxGrantsPerKey grants a key may have at once (AWS: 50,000 per customer managed key, adjustable
 *     [D kdg:resource-limits.md]); CreateGrant beyond it is LimitExceededException
 */
public record KmsPolicy(long gcmEncryptionsBeforeRotation, long gcmEncryptionLimit, long encryptionReservationBlock,
    int maxOnDemandRotations, int maxGrantsPerKey) {
  /** AWS's grants per key quota. */
  public static final int DEFAULT_MAX_GRANTS_PER_KEY = 50_000;
  public static final KmsPolicy DEFAULT = new KmsPolicy(1L << 30, 1L << 32, 1L << 20, 25);

  public KmsPolicy {
    if (gcmEncryptionsBeforeRotation < 1 || gcmEncryptionLimit < gcmEncryptionsBeforeRotation) {
      throw new IllegalArgumentException("need 1 <= gcmEncryptionsBeforeRotation <= gcmEncryptionLimit");
    }
    if (encryptionReservationBlock < 1 || maxOnDemandRotations < 0) {
      throw new IllegalArgumentException("need encryptionReservationBlock >= 1 and maxOnDemandRotations >= 0");
    }
    if (maxGrantsPerKey < 1) {
      throw new IllegalArgumentException("need maxGrantsPerKey >= 1");
    }
  }

  /** As the canonical constructor, with AWS's 50,000 grants per key. */
  public KmsPolicy(long gcmEncryptionsBeforeRotation, long gcmEncryptionLimit, long encryptionReservationBlock,
      int maxOnDemandRotations) {
    this(gcmEncryptionsBeforeRotation, gcmEncryptionLimit, encryptionReservationBlock, maxOnDemandRotations,
        DEFAULT_MAX_GRANTS_PER_KEY);
  }

  /** As the canonical constructor, with the hard limit four times the rotation point (the default's ratio). */
  public KmsPolicy(long gcmEncryptionsBeforeRotation, long encryptionReservationBlock, int maxOnDemandRotations) {
    this(gcmEncryptionsBeforeRotation, gcmEncryptionsBeforeRotation > Long.MAX_VALUE / 4
        ? Long.MAX_VALUE : gcmEncryptionsBeforeRotation * 4, encryptionReservationBlock, maxOnDemandRotations);
  }

  public KmsPolicy withMaxOnDemandRotations(int max) {
    return new KmsPolicy(gcmEncryptionsBeforeRotation, gcmEncryptionLimit, encryptionReservationBlock, max,
        maxGrantsPerKey);
  }

  public KmsPolicy withMaxGrantsPerKey(int max) {
    return new KmsPolicy(gcmEncryptionsBeforeRotation, gcmEncryptionLimit, encryptionReservationBlock,
        maxOnDemandRotations, max);
  }

  public KmsPolicy withGcmBudget(long rotateAt, long limit, long reservationBlock) {
    return new KmsPolicy(rotateAt, limit, reservationBlock, maxOnDemandRotations, maxGrantsPerKey);
  }
}
