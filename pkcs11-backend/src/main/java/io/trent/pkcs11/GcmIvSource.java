package io.trent.pkcs11;

/** Who chooses the 12-byte AES-GCM IV of every encryption. */
public enum GcmIvSource {
  /**
   * The backend draws the IV from the token's RNG ({@code C_GenerateRandom}, on the same session as
   * the encryption) and passes it in. Required by SoftHSM2, which never generates an IV itself.
   */
  TOKEN_RNG,

  /**
   * The HSM generates the IV inside its boundary, as FIPS-mode HSMs require. Implemented for the
   * Thales Luna convention, where {@code C_Encrypt} returns {@code ciphertext || tag || IV}; it has
   * not been tested against a real Luna. CloudHSM and nShield, which take a zero IV and return the
   * generated one in the parameter block, are not supported yet.
   */
  HSM_GENERATED
}
