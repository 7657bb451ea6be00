package io.trent.core;

/**
 * Service-wide limits that are policy, not protocol.
 *
 * @param gcmEncryptionsBeforeRotation encryptions under one key material after which the key is
 *     rotated automatically. Random 96-bit GCM IVs are safe for about 2^32 encryptions per key
 *     (NIST SP 800-38D); the default, 2^30, leaves a wide margin.
 * @param encryptionReservationBlock encryptions reserved in the metadata store at a time, so counting
 *     costs one write per block and a crash can only over-count
 * @param maxOnDemandRotations on-demand rotations allowed per key (AWS: 25)
 */
public record KmsPolicy(long gcmEncryptionsBeforeRotation, long encryptionReservationBlock, int maxOnDemandRotations) {
  public static final KmsPolicy DEFAULT = new KmsPolicy(1L << 30, 1L << 20, 25);
}
