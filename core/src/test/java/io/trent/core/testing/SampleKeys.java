package io.trent.core.testing;

import io.trent.core.key.AccountRegion;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Keys for tests: enabled symmetric keys with one current material and no tags. */
public final class SampleKeys {
  /** The account and region of the sample keys and aliases (the stores' default identity). */
  public static final AccountRegion HOME = new AccountRegion("aws", "111122223333", "us-east-1");
  public static final Instant T0 = Instant.parse("2024-05-06T07:08:09.123Z");

  private SampleKeys() {}

  public static KmsKey key() {
    return key(UUID.randomUUID().toString());
  }

  public static KmsKey key(String keyId) {
    return key(HOME, keyId);
  }

  /** A sample key of another account or region. */
  public static KmsKey key(AccountRegion home, String keyId) {
    return KmsKey.create(home, keyId, T0, "", KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, Origin.AWS_KMS,
        KeyState.Enabled, List.of(KeyMaterial.initial(materialId(keyId.hashCode()), T0)), List.of(), null);
  }

  /** Stand-in DER bytes of the given length, every byte value represented. */
  public static byte[] publicKey(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 7 + 0x30);
    }
    return bytes;
  }

  public static KeyMaterialId materialId(int seed) {
    byte[] bytes = new byte[KeyMaterialId.LENGTH];
    Arrays.fill(bytes, (byte) seed);
    bytes[0] = (byte) (seed >>> 24);
    bytes[1] = (byte) (seed >>> 16);
    bytes[2] = (byte) (seed >>> 8);
    return KeyMaterialId.of(bytes);
  }
}
