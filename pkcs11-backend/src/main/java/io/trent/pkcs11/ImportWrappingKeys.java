package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_MODULUS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_RSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;

import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.spi.ImportWrappingKey;
import java.math.BigInteger;
import java.util.HexFormat;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * The RSA key pairs that receive imported key material (GetParametersForImport).
 *
 * <p>Each pair is a pair of token objects, so an import can finish after a restart, named by a
 * random 16-byte CKA_ID (its hex is the wrapping key id) and labelled {@value #LABEL}. The private
 * key can only unwrap: no CKA_DECRYPT, so no code path can decrypt a wrapped key into process
 * memory, and its CKA_UNWRAP_TEMPLATE makes the token refuse to unwrap anything into a key that is
 * not sensitive and non-extractable. Imports are rare, so handles are looked up, not cached.
 */
final class ImportWrappingKeys {

  static final String LABEL = "trent-import";
  private static final int ID_BYTES = 16;

  private ImportWrappingKeys() {}

  /** How to unwrap with one wrapping key. */
  record WrappingKey(long privateKey, int modulusBytes) {}

  /** Generates a wrapping key pair; the caller holds the object-write lock. */
  static ImportWrappingKey create(Session session, WrappingKeySpec spec) throws PKCS11Exception {
    int bits = switch (spec) {
      case RSA_2048 -> 2048;
      case RSA_3072 -> 3072;
      case RSA_4096 -> 4096;
      case SM2 -> throw new KmsUnsupportedOperationException("WrappingKeySpec SM2 is not supported by this HSM.");
    };
    byte[] id = session.generateRandom(ID_BYTES);
    if (TokenObjects.withId(session, id).length > 0) {
      throw new KmsInternalException("The HSM RNG repeated a wrapping key id.");
    }
    KeyPairHandle pair = KmsKeyPairObjects.generate(session, KeyPairAlgorithm.ofRsaKey(bits), id, LABEL,
        template -> {
          template.unwrapWrap(true);
          template.publicKey().encrypt(true);
          template.privateKey().unwrapTemplate(new AttributeVector().sensitive(true).extractable(false));
        });
    return new ImportWrappingKey(HexFormat.of().formatHex(id), pair.publicKeyInfo());
  }

  /** Destroys both halves; an absent (or malformed) id is not an error. */
  static void destroy(Session session, String wrappingKeyId) throws PKCS11Exception {
    byte[] id = parse(wrappingKeyId);
    if (id == null) {
      return;
    }
    for (long object : TokenObjects.withId(session, id)) {
      TokenObjects.destroyIgnoringStaleHandle(session, object);
    }
  }

  /**
   * The private key of a wrapping key pair.
   *
   * @throws KeyUnavailableException when the token has no such key (never created, or destroyed)
   */
  static WrappingKey privateKey(Session session, String wrappingKeyId) throws PKCS11Exception {
    byte[] id = parse(wrappingKeyId);
    long[] found = id == null ? new long[0] : TokenObjects.find(session,
        new AttributeVector().class_(CKO_PRIVATE_KEY).keyType(CKK_RSA).token(true).id(id));
    if (found.length == 0) {
      throw new KeyUnavailableException("Import wrapping key " + wrappingKeyId + " does not exist in the HSM.");
    }
    BigInteger modulus = session.getAttrValues(found[0], CKA_MODULUS).modulus();
    if (modulus == null) {
      throw new KmsInternalException("The HSM returned no modulus for import wrapping key " + wrappingKeyId + ".");
    }
    return new WrappingKey(found[0], (modulus.bitLength() + 7) / 8);
  }

  private static byte[] parse(String wrappingKeyId) {
    if (wrappingKeyId == null || wrappingKeyId.length() != 2 * ID_BYTES) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(wrappingKeyId);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
