package io.trent.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.key.KeyMaterialId;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CiphertextBlobTest {
  private final String keyId = UUID.randomUUID().toString();
  private final KeyMaterialId material = KeyMaterialId.of(filled(32, 7));

  @Test
  void assembledBlobParsesBackToItsParts() {
    byte[] header = CiphertextBlob.header(keyId, material);
    byte[] blob = CiphertextBlob.assemble(header, filled(12, 1), filled(48, 2));
    CiphertextBlob parsed = CiphertextBlob.parse(blob);
    assertThat(parsed.keyId()).isEqualTo(keyId);
    assertThat(parsed.materialId()).isEqualTo(material);
    assertThat(parsed.iv()).isEqualTo(filled(12, 1));
    assertThat(parsed.ciphertextAndTag()).isEqualTo(filled(48, 2));
    assertThat(parsed.header()).isEqualTo(header);
    assertThat(blob).hasSize(50 + 12 + 48);
  }

  @Test
  void aadBindsHeaderAndContextDigest() {
    byte[] header = CiphertextBlob.header(keyId, material);
    byte[] aad = CiphertextBlob.aad(header, EncryptionContext.EMPTY);
    assertThat(aad).hasSize(82);
    assertThat(Arrays.copyOf(aad, 50)).isEqualTo(header);
  }

  @Test
  void malformedBlobsAreInvalidCiphertext() {
    byte[] good = CiphertextBlob.assemble(CiphertextBlob.header(keyId, material), filled(12, 1), filled(17, 2));
    assertThatThrownBy(() -> CiphertextBlob.parse(new byte[0])).isInstanceOf(InvalidCiphertextException.class);
    assertThatThrownBy(() -> CiphertextBlob.parse(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(InvalidCiphertextException.class);
    byte[] wrongVersion = good.clone();
    wrongVersion[0] = 2;
    assertThatThrownBy(() -> CiphertextBlob.parse(wrongVersion)).isInstanceOf(InvalidCiphertextException.class);
    byte[] wrongAlgorithm = good.clone();
    wrongAlgorithm[1] = 9;
    assertThatThrownBy(() -> CiphertextBlob.parse(wrongAlgorithm)).isInstanceOf(InvalidCiphertextException.class);
    assertThat(CiphertextBlob.parse(good).keyId()).isEqualTo(keyId);
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
