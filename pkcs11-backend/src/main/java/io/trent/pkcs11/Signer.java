package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA256;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA384;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA512;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_ECDSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_PSS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA384;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA512;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SIGNATURE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SIGNATURE_LEN_RANGE;

import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.SigningAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.params.RSA_PKCS_PSS_PARAMS;

/**
 * Sign and Verify over a message digest with a KMS key pair, in the token.
 *
 * <p>The caller hashes; the token only does the private- or public-key operation, because tokens
 * rarely offer every hash-and-sign mechanism (SoftHSM2 has no CKM_ECDSA_SHA*):
 * <ul>
 *   <li>RSASSA-PKCS1-v1_5: CKM_RSA_PKCS over the DER DigestInfo (hash OID with NULL parameters,
 *       as the JDK and OpenSSL encode it);
 *   <li>RSASSA-PSS: CKM_RSA_PKCS_PSS over the digest, MGF1 with the same hash and a salt as long as
 *       the digest (what AWS KMS produces);
 *   <li>ECDSA: CKM_ECDSA over the digest, which the token truncates to the order's length; the
 *       token's raw {@code r || s} becomes the DER SEQUENCE AWS returns, and back for Verify.
 * </ul>
 */
final class Signer {

  private enum Scheme { PKCS1, PSS, ECDSA }

  private Signer() {}

  /** Signs a digest of the algorithm's length; ECDSA signatures come back DER-encoded. */
  static byte[] sign(Session session, KeyPairHandle key, SigningAlgorithm algorithm, byte[] digest)
      throws PKCS11Exception {
    Scheme scheme = scheme(algorithm, key, digest);
    byte[] signature = session.signSingle(mechanism(scheme, algorithm), key.privateKey(), input(scheme, algorithm, digest));
    return scheme == Scheme.ECDSA ? rawToDer(signature) : signature;
  }

  /**
   * Verifies in the token with the public key. A signature that is malformed (bad DER, wrong
   * length) is false without asking the token; one the token rejects is false, and C_Verify has
   * ended the operation, so the session stays usable.
   */
  static boolean verify(Session session, KeyPairHandle key, SigningAlgorithm algorithm, byte[] digest,
                        byte[] signature) throws PKCS11Exception {
    Scheme scheme = scheme(algorithm, key, digest);
    byte[] tokenSignature;
    if (scheme == Scheme.ECDSA) {
      // The token wants r and s padded to the order's length, which equals the field's on KMS curves.
      tokenSignature = derToRaw(signature, key.algorithm().fieldBytes());
    } else {
      tokenSignature = signature != null && signature.length == key.algorithm().rsaBytes() ? signature : null;
    }
    if (tokenSignature == null) {
      return false;
    }
    try {
      session.verifySingle(mechanism(scheme, algorithm), key.publicKey(), input(scheme, algorithm, digest),
          tokenSignature);
      return true;
    } catch (PKCS11Exception e) {
      if (e.getErrorCode() == CKR_SIGNATURE_INVALID || e.getErrorCode() == CKR_SIGNATURE_LEN_RANGE) {
        return false;
      }
      throw e;
    }
  }

  private static Scheme scheme(SigningAlgorithm algorithm, KeyPairHandle key, byte[] digest) {
    Scheme scheme = switch (algorithm) {
      case RSASSA_PKCS1_V1_5_SHA_256, RSASSA_PKCS1_V1_5_SHA_384, RSASSA_PKCS1_V1_5_SHA_512 -> Scheme.PKCS1;
      case RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, RSASSA_PSS_SHA_512 -> Scheme.PSS;
      case ECDSA_SHA_256, ECDSA_SHA_384, ECDSA_SHA_512 -> Scheme.ECDSA;
      case SM2DSA, ML_DSA_SHAKE_256, ED25519_SHA_512, ED25519_PH_SHA_512 ->
          throw new KmsUnsupportedOperationException("SigningAlgorithm " + algorithm + " is not supported by this HSM.");
    };
    if ((scheme == Scheme.ECDSA) == key.isRsa()) {
      throw new InvalidKeyUsageException("SigningAlgorithm " + algorithm + " is not valid for this key.");
    }
    if (digest == null || digest.length != algorithm.digestLength()) {
      throw new ValidationException("Digest is invalid length for algorithm " + algorithm + ".");
    }
    return scheme;
  }

  private static Mechanism mechanism(Scheme scheme, SigningAlgorithm algorithm) {
    return switch (scheme) {
      case PKCS1 -> new Mechanism(CKM_RSA_PKCS);
      case ECDSA -> new Mechanism(CKM_ECDSA);
      case PSS -> new Mechanism(CKM_RSA_PKCS_PSS, pssParameters(algorithm));
    };
  }

  private static RSA_PKCS_PSS_PARAMS pssParameters(SigningAlgorithm algorithm) {
    int saltLength = algorithm.digestLength();
    return switch (algorithm.digest()) {
      case "SHA-256" -> new RSA_PKCS_PSS_PARAMS(CKM_SHA256, CKG_MGF1_SHA256, saltLength);
      case "SHA-384" -> new RSA_PKCS_PSS_PARAMS(CKM_SHA384, CKG_MGF1_SHA384, saltLength);
      case "SHA-512" -> new RSA_PKCS_PSS_PARAMS(CKM_SHA512, CKG_MGF1_SHA512, saltLength);
      default -> throw new IllegalArgumentException("no PSS parameters for " + algorithm);
    };
  }

  private static byte[] input(Scheme scheme, SigningAlgorithm algorithm, byte[] digest) {
    return scheme == Scheme.PKCS1 ? digestInfo(algorithm, digest) : digest;
  }

  /** DigestInfo ::= SEQUENCE { AlgorithmIdentifier (hash OID, NULL), OCTET STRING digest }. */
  private static byte[] digestInfo(SigningAlgorithm algorithm, byte[] digest) {
    ASN1ObjectIdentifier hash = switch (algorithm.digest()) {
      case "SHA-256" -> NISTObjectIdentifiers.id_sha256;
      case "SHA-384" -> NISTObjectIdentifiers.id_sha384;
      case "SHA-512" -> NISTObjectIdentifiers.id_sha512;
      default -> throw new IllegalArgumentException("no DigestInfo for " + algorithm);
    };
    try {
      return new DigestInfo(new AlgorithmIdentifier(hash, DERNull.INSTANCE), digest).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The token's {@code r || s} (two halves of equal length) as ECDSA-Sig-Value DER. */
  static byte[] rawToDer(byte[] raw) {
    if (raw.length == 0 || raw.length % 2 != 0) {
      throw new IllegalStateException("The HSM returned an ECDSA signature of " + raw.length + " bytes.");
    }
    int half = raw.length / 2;
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(raw, 0, half));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(raw, half, raw.length));
    try {
      return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)}).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * ECDSA-Sig-Value DER as {@code r || s}, each left-padded to the order's length; null when it is
   * not strict DER of two positive integers that fit (a signature the JDK would also reject).
   */
  static byte[] derToRaw(byte[] der, int length) {
    if (der == null || der.length == 0) {
      return null;
    }
    BigInteger r;
    BigInteger s;
    try {
      ASN1Sequence sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
      if (sequence.size() != 2 || !Arrays.equals(sequence.getEncoded(ASN1Encoding.DER), der)) {
        return null;
      }
      r = ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue();
      s = ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue();
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (r.signum() <= 0 || s.signum() <= 0 || r.bitLength() > 8 * length || s.bitLength() > 8 * length) {
      return null;
    }
    byte[] raw = new byte[2 * length];
    copyUnsigned(r, raw, 0, length);
    copyUnsigned(s, raw, length, length);
    return raw;
  }

  private static void copyUnsigned(BigInteger value, byte[] target, int offset, int length) {
    byte[] bytes = value.toByteArray(); // may carry a leading sign byte
    int significant = Math.min(bytes.length, length);
    System.arraycopy(bytes, bytes.length - significant, target, offset + length - significant, significant);
  }
}
