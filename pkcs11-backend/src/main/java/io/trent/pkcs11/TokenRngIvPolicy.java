package io.trent.pkcs11;

import io.trent.core.error.KmsInternalException;
import io.trent.core.spi.SealedBytes;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/** The IV is 12 bytes from {@code C_GenerateRandom} on the encrypting session (SoftHSM2). */
final class TokenRngIvPolicy implements GcmIvPolicy {

  @Override
  public byte[] encryptionIv(Session session) throws PKCS11Exception {
    return session.generateRandom(IV_LENGTH);
  }

  @Override
  public boolean ivIsCallerRandom() {
    return true;
  }

  @Override
  public SealedBytes sealed(byte[] encryptionIv, byte[] output, int plaintextLength) {
    if (output.length != plaintextLength + TAG_LENGTH) {
      throw new KmsInternalException("The HSM returned " + output.length
          + " bytes of AES-GCM output for " + plaintextLength + " bytes of plaintext.");
    }
    return new SealedBytes(encryptionIv, output);
  }
}
