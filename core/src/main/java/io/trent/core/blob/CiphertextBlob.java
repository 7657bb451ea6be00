package io.trent.core.blob;

import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.key.KeyMaterialId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;

/**
 * A symmetric KMS ciphertext: self-describing, so Decrypt needs no KeyId.
 *
 * <pre>
 * offset  size  field
 *      0     1  version            0x01
 *      1     1  algorithm          0x01 = AES-256-GCM, 96-bit IV, 128-bit tag
 *      2    16  KMS key id         the key's UUID, big-endian
 *     18    32  key material id    which generation of the key's material
 *     50    12  IV
 *     62     n  ciphertext         n >= 1
 *   62+n    16  GCM tag
 * </pre>
 *
 * The AAD given to AES-GCM is {@code header(bytes 0..49) || SHA-256(canonical encryption context)}:
 * fixed-size, so the HSM never sees a large AAD, and the header (key id, material id, version) is
 * authenticated, so moving a ciphertext to another key or material fails. Every parse error is the
 * same {@link InvalidCiphertextException}, which carries no detail.
 */
public final class CiphertextBlob {
  public static final byte VERSION = 0x01;
  public static final byte ALG_AES_256_GCM = 0x01;
  public static final int HEADER_LENGTH = 50;
  public static final int IV_LENGTH = 12;
  public static final int TAG_LENGTH = 16;
  public static final int MIN_LENGTH = HEADER_LENGTH + IV_LENGTH + 1 + TAG_LENGTH;

  private final byte[] header;
  private final UUID keyId;
  private final KeyMaterialId materialId;
  private final byte[] iv;
  private final byte[] ciphertextAndTag;

  private CiphertextBlob(byte[] header, UUID keyId, KeyMaterialId materialId, byte[] iv, byte[] ciphertextAndTag) {
    this.header = header;
    this.keyId = keyId;
    this.materialId = materialId;
    this.iv = iv;
    this.ciphertextAndTag = ciphertextAndTag;
  }

  /** The header a new ciphertext under this key material will carry. */
  public static byte[] header(String keyId, KeyMaterialId materialId) {
    UUID uuid = UUID.fromString(keyId);
    return ByteBuffer.allocate(HEADER_LENGTH)
        .put(VERSION)
        .put(ALG_AES_256_GCM)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .put(materialId.toBytes())
        .array();
  }

  /** The AES-GCM AAD for a header and an encryption context. */
  public static byte[] aad(byte[] header, EncryptionContext context) {
    return ByteBuffer.allocate(HEADER_LENGTH + 32).put(header).put(context.digest()).array();
  }

  /** Assembles the wire form. */
  public static byte[] assemble(byte[] header, byte[] iv, byte[] ciphertextAndTag) {
    if (header.length != HEADER_LENGTH || iv.length != IV_LENGTH || ciphertextAndTag.length < TAG_LENGTH + 1) {
      throw new IllegalArgumentException("malformed ciphertext parts");
    }
    return ByteBuffer.allocate(HEADER_LENGTH + IV_LENGTH + ciphertextAndTag.length)
        .put(header).put(iv).put(ciphertextAndTag).array();
  }

  /** Parses a blob; anything that is not a well-formed Trent ciphertext is InvalidCiphertextException. */
  public static CiphertextBlob parse(byte[] blob) {
    if (blob == null || blob.length < MIN_LENGTH || blob[0] != VERSION || blob[1] != ALG_AES_256_GCM) {
      throw new InvalidCiphertextException();
    }
    ByteBuffer in = ByteBuffer.wrap(blob);
    in.position(2);
    UUID keyId = new UUID(in.getLong(), in.getLong());
    byte[] material = new byte[KeyMaterialId.LENGTH];
    in.get(material);
    return new CiphertextBlob(
        Arrays.copyOfRange(blob, 0, HEADER_LENGTH),
        keyId,
        KeyMaterialId.of(material),
        Arrays.copyOfRange(blob, HEADER_LENGTH, HEADER_LENGTH + IV_LENGTH),
        Arrays.copyOfRange(blob, HEADER_LENGTH + IV_LENGTH, blob.length));
  }

  public String keyId() {
    return keyId.toString();
  }

  public KeyMaterialId materialId() {
    return materialId;
  }

  public byte[] header() {
    return header.clone();
  }

  public byte[] iv() {
    return iv.clone();
  }

  public byte[] ciphertextAndTag() {
    return ciphertextAndTag.clone();
  }
}
