package io.trent.core.key;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Identifies one generation of key material of a KMS key: 32 bytes, shown as 64 lowercase hex
 * characters as AWS's {@code KeyMaterialId}. It is stored in every ciphertext blob, so Decrypt
 * finds the right material after a rotation, and it names the HSM object ({@code CKA_ID}).
 */
public final class KeyMaterialId {
  public static final int LENGTH = 32;
  private final byte[] bytes;

  private KeyMaterialId(byte[] bytes) {
    this.bytes = bytes;
  }

  public static KeyMaterialId of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a key material id has " + LENGTH + " bytes");
    }
    return new KeyMaterialId(bytes.clone());
  }

  public static KeyMaterialId fromHex(String hex) {
    return of(HexFormat.of().parseHex(hex));
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyMaterialId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
