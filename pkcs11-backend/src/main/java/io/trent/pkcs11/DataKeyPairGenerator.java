package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_COEFFICIENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EC_POINT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXPONENT_1;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXPONENT_2;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_MODULUS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIME_1;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIME_2;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE_EXPONENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PUBLIC_EXPONENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_RSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EC_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_KEY_PAIR_GEN;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Encoding;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11KeyPair;
import org.xipki.pkcs11.wrapper.Session;

/**
 * Generates an ephemeral key pair in the HSM and exports it.
 *
 * <p>The pair is made of session objects (CKA_TOKEN=false) with an extractable, non-sensitive
 * private key, because it has to leave the HSM; both objects are destroyed once exported (by
 * {@link #generate} before it returns; a pooled pair when a request takes it), and vanish with the
 * session that made them in any case.
 */
final class DataKeyPairGenerator {

  private static final BigInteger F4 = BigInteger.valueOf(65537);

  private DataKeyPairGenerator() {}

  static KeyPairDer generate(Session session, KeyPairAlgorithm algorithm) throws PKCS11Exception {
    return exportAndDestroy(session, generatePair(session, algorithm), algorithm);
  }

  /**
   * Generates the pair as session objects of {@code session} (they live until it closes), to be exported later
   * with {@link #exportAndDestroy}, on any session of this application: the {@link KeyPairPool} makes them ahead.
   */
  static PKCS11KeyPair generatePair(Session session, KeyPairAlgorithm algorithm) throws PKCS11Exception {
    return session.generateKeyPair(mechanism(algorithm), template(algorithm));
  }

  /** Exports a pair made by {@link #generatePair} and destroys both of its objects, also when the export fails. */
  static KeyPairDer exportAndDestroy(Session session, PKCS11KeyPair pair, KeyPairAlgorithm algorithm)
      throws PKCS11Exception {
    KeyPairDer exported;
    try {
      exported = algorithm.isRsa()
          ? exportRsa(session, pair.getPrivateKey())
          : exportEc(session, pair, algorithm);
    } catch (PKCS11Exception | RuntimeException e) {
      destroyQuietly(session, pair);
      throw e;
    }
    try {
      session.destroyObject(pair.getPrivateKey());
      session.destroyObject(pair.getPublicKey());
    } catch (PKCS11Exception e) {
      exported.wipe();
      throw e;
    }
    return exported;
  }

  /** Destroys both objects of a pair, ignoring failures (for pairs that are dropped unused). */
  static void destroyQuietly(Session session, PKCS11KeyPair pair) {
    for (long handle : new long[] {pair.getPrivateKey(), pair.getPublicKey()}) {
      try {
        session.destroyObject(handle);
      } catch (PKCS11Exception | RuntimeException e) {
        // the session is discarded after this failure, which removes its objects too
      }
    }
  }

  private static Mechanism mechanism(KeyPairAlgorithm algorithm) {
    return new Mechanism(algorithm.isRsa() ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN);
  }

  private static KeyPairTemplate template(KeyPairAlgorithm algorithm) {
    KeyPairTemplate template = new KeyPairTemplate(algorithm.isRsa() ? CKK_RSA : CKK_EC)
        .token(false)
        .signVerify(true);
    template.privateKey().private_(true).sensitive(false).extractable(true);
    AttributeVector publicKey = template.publicKey();
    if (algorithm.isRsa()) {
      publicKey.modulusBits(algorithm.rsaBits()).publicExponent(F4);
    } else {
      try {
        // A DER OID: SoftHSM2 rejects a printable curve name with CKR_GENERAL_ERROR.
        publicKey.ecParams(algorithm.curve().getEncoded(ASN1Encoding.DER));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return template;
  }

  private static KeyPairDer exportRsa(Session session, long privateKey) throws PKCS11Exception {
    AttributeVector attributes = session.getAttrValues(privateKey, CKA_MODULUS, CKA_PUBLIC_EXPONENT,
        CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2, CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT);
    byte[] privateExponent = attributes.getByteArrayAttrValue(CKA_PRIVATE_EXPONENT);
    byte[] prime1 = attributes.getByteArrayAttrValue(CKA_PRIME_1);
    byte[] prime2 = attributes.getByteArrayAttrValue(CKA_PRIME_2);
    byte[] exponent1 = attributes.getByteArrayAttrValue(CKA_EXPONENT_1);
    byte[] exponent2 = attributes.getByteArrayAttrValue(CKA_EXPONENT_2);
    byte[] coefficient = attributes.getByteArrayAttrValue(CKA_COEFFICIENT);
    try {
      return KeyPairEncoder.rsa(required(attributes.getByteArrayAttrValue(CKA_MODULUS), "modulus"),
          required(attributes.getByteArrayAttrValue(CKA_PUBLIC_EXPONENT), "public exponent"),
          required(privateExponent, "private exponent"), required(prime1, "prime 1"),
          required(prime2, "prime 2"), required(exponent1, "exponent 1"),
          required(exponent2, "exponent 2"), required(coefficient, "coefficient"));
    } finally {
      KeyPairEncoder.wipe(privateExponent, prime1, prime2, exponent1, exponent2, coefficient);
    }
  }

  private static KeyPairDer exportEc(Session session, PKCS11KeyPair pair, KeyPairAlgorithm algorithm)
      throws PKCS11Exception {
    // ipkcs11wrapper strips the OCTET STRING around CKA_EC_POINT; KeyPairEncoder accepts either.
    byte[] point = session.getAttrValues(pair.getPublicKey(), CKA_EC_POINT).ecPoint();
    byte[] value = session.getAttrValues(pair.getPrivateKey(), CKA_VALUE).value();
    try {
      return KeyPairEncoder.ec(algorithm.curve(), algorithm.fieldBits(),
          required(point, "EC point"), required(value, "EC private value"));
    } finally {
      KeyPairEncoder.wipe(value);
    }
  }

  private static byte[] required(byte[] value, String what) {
    if (value == null || value.length == 0) {
      throw new IllegalStateException("The HSM returned no " + what + " for the generated key pair.");
    }
    return value;
  }
}
