package io.trent.pkcs11;

import io.trent.core.error.KmsInternalException;
import io.trent.core.spi.SealedBytes;
import java.util.Arrays;
import org.xipki.pkcs11.wrapper.Session;

/**
 * The HSM generates the IV and appends it to the {@code C_Encrypt} output: {@code ciphertext ||
 * tag || IV}, the Thales Luna convention in FIPS mode.
 *
 * <p>Untested against a real Luna. Luna firmware 7.9.3 and later generate a 96-bit IV when
 * {@code ulIvLen = 0, ulIvBits = 96}; ipkcs11wrapper 1.0.9 always sends {@code ulIvBits = 8 *
 * ulIvLen}, so this policy passes a 12-byte zero IV (ulIvBits = 96) and relies on the FIPS-mode HSM
 * replacing it. The output length is checked, so an HSM that encrypted under the zero IV (non-FIPS
 * mode, or older firmware appending a 16-byte IV) is refused instead of producing a ciphertext with
 * a fixed IV.
 */
final class HsmAppendedIvPolicy implements GcmIvPolicy {

  private static final byte[] PLACEHOLDER_IV = new byte[IV_LENGTH];

  @Override
  public byte[] encryptionIv(Session session) {
    return PLACEHOLDER_IV;
  }

  @Override
  public boolean ivIsCallerRandom() {
    return false;
  }

  @Override
  public SealedBytes sealed(byte[] encryptionIv, byte[] output, int plaintextLength) {
    int sealedLength = plaintextLength + TAG_LENGTH;
    if (output.length != sealedLength + IV_LENGTH) {
      throw new KmsInternalException("The HSM returned " + output.length
          + " bytes of AES-GCM output for " + plaintextLength + " bytes of plaintext; expected "
          + (sealedLength + IV_LENGTH) + " (ciphertext, tag and a generated 12-byte IV). Is the HSM "
          + "in FIPS mode?");
    }
    byte[] iv = Arrays.copyOfRange(output, sealedLength, output.length);
    if (Arrays.equals(iv, PLACEHOLDER_IV)) {
      throw new KmsInternalException("The HSM returned an all-zero AES-GCM IV; refusing the ciphertext.");
    }
    return new SealedBytes(iv, Arrays.copyOf(output, sealedLength));
  }
}
