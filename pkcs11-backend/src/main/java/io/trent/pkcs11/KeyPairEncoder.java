package io.trent.pkcs11;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * DER encodings of exported key pairs, in the shapes AWS KMS returns: SubjectPublicKeyInfo and
 * PKCS#8 PrivateKeyInfo.
 *
 * <p>Bouncy Castle keeps BigInteger copies of the private values, which cannot be wiped; callers
 * wipe the raw byte arrays they pass in.
 */
final class KeyPairEncoder {

  private KeyPairEncoder() {}

  /** rsaEncryption with NULL parameters and a full CRT RSAPrivateKey. */
  static KeyPairDer rsa(byte[] modulus, byte[] publicExponent, byte[] privateExponent, byte[] prime1,
                        byte[] prime2, byte[] exponent1, byte[] exponent2, byte[] coefficient) {
    AlgorithmIdentifier algorithm = new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
    BigInteger n = unsigned(modulus);
    BigInteger e = unsigned(publicExponent);
    RSAPrivateKey privateKey = new RSAPrivateKey(n, e, unsigned(privateExponent), unsigned(prime1),
        unsigned(prime2), unsigned(exponent1), unsigned(exponent2), unsigned(coefficient));
    try {
      return new KeyPairDer(rsaPublicKeyInfo(n, e),
          new PrivateKeyInfo(algorithm, privateKey).getEncoded(ASN1Encoding.DER));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** The SubjectPublicKeyInfo of an RSA public key: rsaEncryption with NULL parameters, as AWS returns it. */
  static byte[] rsaPublicKeyInfo(BigInteger modulus, BigInteger publicExponent) {
    AlgorithmIdentifier algorithm = new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
    try {
      return new SubjectPublicKeyInfo(algorithm, new RSAPublicKey(modulus, publicExponent)).getEncoded(ASN1Encoding.DER);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /**
   * The SubjectPublicKeyInfo of an EC public key: id-ecPublicKey with the named curve.
   *
   * @param point the uncompressed point {@code 04 || X || Y}, bare or wrapped in a DER OCTET STRING
   */
  static byte[] ecPublicKeyInfo(ASN1ObjectIdentifier curve, int fieldBits, byte[] point) {
    byte[] rawPoint = uncompressedPoint(point, (fieldBits + 7) / 8);
    AlgorithmIdentifier algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve);
    try {
      return new SubjectPublicKeyInfo(algorithm, rawPoint).getEncoded(ASN1Encoding.DER);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /**
   * id-ecPublicKey with the named curve; ECPrivateKey version 1 with the private value padded to
   * the field size and the public point included.
   *
   * @param point the uncompressed point {@code 04 || X || Y}, bare or wrapped in a DER OCTET STRING
   * @param privateValue CKA_VALUE of the private key, which HSMs may return without leading zeros
   */
  static KeyPairDer ec(ASN1ObjectIdentifier curve, int fieldBits, byte[] point, byte[] privateValue) {
    int fieldBytes = (fieldBits + 7) / 8;
    byte[] rawPoint = uncompressedPoint(point, fieldBytes);
    AlgorithmIdentifier algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve);
    BigInteger d = unsigned(privateValue);
    if (d.signum() == 0 || d.bitLength() > fieldBits) {
      throw new IllegalStateException("The HSM returned an EC private value that does not fit the curve.");
    }
    // BC pads the private value to (fieldBits + 7) / 8 bytes.
    ECPrivateKey privateKey = new ECPrivateKey(fieldBits, d, new DERBitString(rawPoint), null);
    try {
      return new KeyPairDer(ecPublicKeyInfo(curve, fieldBits, rawPoint),
          new PrivateKeyInfo(algorithm, privateKey).getEncoded(ASN1Encoding.DER));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private static byte[] uncompressedPoint(byte[] point, int fieldBytes) {
    int length = 1 + 2 * fieldBytes;
    if (point.length == length && point[0] == 0x04) {
      return point;
    }
    // Some wrappers/HSMs hand back CKA_EC_POINT as the DER OCTET STRING the spec prescribes.
    byte[] inner = ASN1OctetString.getInstance(point).getOctets();
    if (inner.length == length && inner[0] == 0x04) {
      return inner;
    }
    throw new IllegalStateException("The HSM returned an EC point of " + point.length
        + " bytes, not an uncompressed point on a " + (fieldBytes * 8) + "-bit curve.");
  }

  private static BigInteger unsigned(byte[] bytes) {
    return new BigInteger(1, bytes);
  }

  /** Overwrites raw key material read from the token. */
  static void wipe(byte[]... arrays) {
    for (byte[] array : arrays) {
      if (array != null) {
        Arrays.fill(array, (byte) 0);
      }
    }
  }
}
