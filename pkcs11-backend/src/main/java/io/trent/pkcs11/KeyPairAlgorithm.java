package io.trent.pkcs11;

import io.trent.core.key.DataKeyPairSpec;
import io.trent.core.key.KeySpec;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;

/**
 * The PKCS#11 parameters of a data key pair spec (or of the KMS key spec of the same name): an RSA
 * modulus size or a named EC curve.
 *
 * @param spec the KMS spec; for a key pair found in the token, the spec of its size or curve, or
 *     null for an RSA size no spec has
 * @param rsaBits the RSA modulus length, or 0 for EC
 * @param curve the named curve, or null for RSA
 * @param fieldBits the curve's field size in bits (the private key is padded to its byte length)
 */
record KeyPairAlgorithm(DataKeyPairSpec spec, int rsaBits, ASN1ObjectIdentifier curve, int fieldBits) {

  boolean isRsa() {
    return curve == null;
  }

  int fieldBytes() {
    return (fieldBits + 7) / 8;
  }

  int rsaBytes() {
    return (rsaBits + 7) / 8;
  }

  /**
   * The algorithm behind an asymmetric KMS key spec, or empty for SM2, Ed25519 and ML-DSA, which
   * this backend cannot generate.
   *
   * @throws IllegalArgumentException for a symmetric or HMAC spec
   */
  static Optional<KeyPairAlgorithm> of(KeySpec spec) {
    return switch (spec) {
      case RSA_2048 -> of(DataKeyPairSpec.RSA_2048);
      case RSA_3072 -> of(DataKeyPairSpec.RSA_3072);
      case RSA_4096 -> of(DataKeyPairSpec.RSA_4096);
      case ECC_NIST_P256 -> of(DataKeyPairSpec.ECC_NIST_P256);
      case ECC_NIST_P384 -> of(DataKeyPairSpec.ECC_NIST_P384);
      case ECC_NIST_P521 -> of(DataKeyPairSpec.ECC_NIST_P521);
      case ECC_SECG_P256K1 -> of(DataKeyPairSpec.ECC_SECG_P256K1);
      case SM2, ECC_NIST_EDWARDS25519, ML_DSA_44, ML_DSA_65, ML_DSA_87 -> Optional.empty();
      case SYMMETRIC_DEFAULT, HMAC_224, HMAC_256, HMAC_384, HMAC_512 ->
          throw new IllegalArgumentException("KeySpec " + spec + " is not an asymmetric key spec");
    };
  }

  /** An RSA key of the given modulus size, found in the token. */
  static KeyPairAlgorithm ofRsaKey(int modulusBits) {
    return Arrays.stream(DataKeyPairSpec.values())
        .flatMap(spec -> of(spec).stream())
        .filter(algorithm -> algorithm.isRsa() && algorithm.rsaBits() == modulusBits)
        .findFirst()
        .orElseGet(() -> new KeyPairAlgorithm(null, modulusBits, null, 0));
  }

  /** An EC key on the given named curve, found in the token; empty for a curve no spec uses. */
  static Optional<KeyPairAlgorithm> ofCurve(ASN1ObjectIdentifier curve) {
    return Arrays.stream(DataKeyPairSpec.values())
        .flatMap(spec -> of(spec).stream())
        .filter(algorithm -> curve.equals(algorithm.curve()))
        .findFirst();
  }

  /** The algorithm behind a spec, or empty for SM2 and Ed25519, which this backend cannot generate. */
  static Optional<KeyPairAlgorithm> of(DataKeyPairSpec spec) {
    return Optional.ofNullable(switch (spec) {
      case RSA_2048 -> rsa(spec, 2048);
      case RSA_3072 -> rsa(spec, 3072);
      case RSA_4096 -> rsa(spec, 4096);
      case ECC_NIST_P256 -> ec(spec, SECObjectIdentifiers.secp256r1, 256);
      case ECC_NIST_P384 -> ec(spec, SECObjectIdentifiers.secp384r1, 384);
      case ECC_NIST_P521 -> ec(spec, SECObjectIdentifiers.secp521r1, 521);
      case ECC_SECG_P256K1 -> ec(spec, SECObjectIdentifiers.secp256k1, 256);
      // SM2 is a curve *and* a signature/encryption scheme the token lacks; Ed25519 keys are not
      // EC keys in PKCS#11 (CKM_EC_EDWARDS_KEY_PAIR_GEN) and AWS encodes them differently.
      case SM2, ECC_NIST_EDWARDS25519 -> null;
    });
  }

  private static KeyPairAlgorithm rsa(DataKeyPairSpec spec, int bits) {
    return new KeyPairAlgorithm(spec, bits, null, 0);
  }

  private static KeyPairAlgorithm ec(DataKeyPairSpec spec, ASN1ObjectIdentifier curve, int fieldBits) {
    return new KeyPairAlgorithm(spec, 0, curve, fieldBits);
  }
}
