package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.KmsInternalException;
import io.trent.core.spi.SealedBytes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Parsing of C_Encrypt output under each IV policy (no HSM needed). */
class GcmIvPolicyTest {

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    byte[] all = new byte[Arrays.stream(parts).mapToInt(part -> part.length).sum()];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    return all;
  }

  @Test
  void hsmAppendedIvIsSplitOffTheOutput() throws Exception {
    GcmIvPolicy policy = GcmIvPolicy.of(GcmIvSource.HSM_GENERATED);
    byte[] ciphertext = filled(5, 0x11);
    byte[] tag = filled(16, 0x22);
    byte[] iv = filled(12, 0x33);

    byte[] placeholder = policy.encryptionIv(null);
    SealedBytes sealed = policy.sealed(placeholder, concat(ciphertext, tag, iv), 5);

    assertThat(placeholder).hasSize(12).containsOnly(0);
    assertThat(sealed.iv()).isEqualTo(iv);
    assertThat(sealed.ciphertextAndTag()).isEqualTo(concat(ciphertext, tag));
  }

  @Test
  void hsmAppendedIvRefusesOutputWithoutAnIvOrWithAZeroIv() throws Exception {
    GcmIvPolicy policy = new HsmAppendedIvPolicy();
    byte[] placeholder = policy.encryptionIv(null);

    assertThatThrownBy(() -> policy.sealed(placeholder, filled(5 + 16, 1), 5))
        .isInstanceOf(KmsInternalException.class).hasMessageContaining("FIPS mode");
    assertThatThrownBy(() -> policy.sealed(placeholder, filled(5 + 16 + 16, 1), 5))
        .as("a 16-byte IV (Luna before firmware 7.9.3)").isInstanceOf(KmsInternalException.class);
    assertThatThrownBy(() -> policy.sealed(placeholder, concat(filled(5 + 16, 1), new byte[12]), 5))
        .isInstanceOf(KmsInternalException.class).hasMessageContaining("all-zero");
  }

  @Test
  void tokenRngOutputIsCiphertextAndTag() {
    GcmIvPolicy policy = GcmIvPolicy.of(GcmIvSource.TOKEN_RNG);
    byte[] iv = filled(12, 9);
    byte[] output = filled(3 + 16, 7);

    SealedBytes sealed = policy.sealed(iv, output, 3);

    assertThat(sealed.iv()).isSameAs(iv);
    assertThat(sealed.ciphertextAndTag()).isSameAs(output);
    assertThatThrownBy(() -> policy.sealed(iv, filled(3 + 16 + 12, 7), 3)).isInstanceOf(KmsInternalException.class);
  }
}
