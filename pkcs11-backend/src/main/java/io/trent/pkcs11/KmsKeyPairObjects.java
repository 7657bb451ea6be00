package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EC_PARAMS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EC_POINT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_MODULUS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PUBLIC_EXPONENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_RSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EC_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;

import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeyUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.function.Consumer;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11KeyPair;
import org.xipki.pkcs11.wrapper.Session;

/**
 * The KMS keys' RSA and EC key pairs in the token and the cached handles that reach them.
 *
 * <p>A pair is two token objects with the key material id as CKA_ID: a sensitive, non-extractable
 * private key and its public key. The cache keeps both handles with the key's algorithm and
 * SubjectPublicKeyInfo, so a request needs neither C_FindObjects nor C_GetAttributeValue. Unlike
 * AES keys, pairs are used as token objects (no session copies): the private-key operation, not
 * SoftHSM2's object file check, dominates their cost.
 *
 * <p>Pairs are generated on a pool session by a caller holding the token's object-write lock, not
 * on the anchor session: an RSA-4096 key pair takes seconds, which would stall every cache fill
 * and health check waiting for the anchor.
 */
final class KmsKeyPairObjects implements KeyHandleCache<KeyPairHandle> {

  private static final BigInteger F4 = BigInteger.valueOf(65537);

  private final AnchoredHandles<KeyPairHandle> handles;

  KmsKeyPairObjects(AnchorSession anchor) {
    this.handles = new AnchoredHandles<>(anchor, KmsKeyPairObjects::find);
  }

  @Override
  public KeyPairHandle resolve(KeyMaterialId id) throws AnchorSessionException {
    return handles.resolve(id);
  }

  @Override
  public void forget(KeyMaterialId id, KeyPairHandle stale) {
    handles.forget(id, stale);
  }

  /** Drops the id's handles; {@link KmsKeyObjects#destroy} calls it on the anchor session. */
  void evict(KeyMaterialId id) {
    handles.evict(id);
  }

  /**
   * Generates the KMS key pair as token objects: for SIGN_VERIFY the private key signs and the public
   * key verifies; for ENCRYPT_DECRYPT (RSA only) the private key decrypts and the public key encrypts.
   * The caller holds the object-write lock.
   *
   * @return the pair's handles, also cached
   */
  KeyPairHandle create(Session session, KeyMaterialId id, String keyId, KeyPairAlgorithm algorithm, KeyUsage usage)
      throws PKCS11Exception {
    KmsKeyObjects.requireAbsent(session, id);
    KeyPairHandle handle = generate(session, algorithm, id.toBytes(), TokenObjects.KEY_LABEL_PREFIX + keyId, template -> {
      if (usage == KeyUsage.ENCRYPT_DECRYPT && algorithm.isRsa()) {
        template.decryptEncrypt(true);
      } else if (usage == KeyUsage.SIGN_VERIFY) {
        template.signVerify(true);
      } else {
        throw new IllegalArgumentException("KeyUsage " + usage + " is not valid for " + algorithm);
      }
    });
    handles.put(id, handle);
    return handle;
  }

  /**
   * Generates a key pair as token objects: the private key private, sensitive and non-extractable,
   * both halves named by the id and label, unmodifiable and uncopyable (see
   * {@link TokenObjects#locked}), with no usage flag but those {@code usage} sets.
   */
  static KeyPairHandle generate(Session session, KeyPairAlgorithm algorithm, byte[] id, String label,
                                Consumer<KeyPairTemplate> usage) throws PKCS11Exception {
    KeyPairTemplate template = new KeyPairTemplate(algorithm.isRsa() ? CKK_RSA : CKK_EC)
        .token(true).private_(true).id(id).labels(label)
        .signVerify(false).signVerifyRecover(false).decryptEncrypt(false).unwrapWrap(false).derive(false);
    template.privateKey().sensitive(true).extractable(false);
    TokenObjects.locked(template.privateKey());
    TokenObjects.locked(template.publicKey());
    if (algorithm.isRsa()) {
      template.publicKey().modulusBits(algorithm.rsaBits()).publicExponent(F4);
    } else {
      template.publicKey().ecParams(derOid(algorithm.curve()));
    }
    usage.accept(template);
    PKCS11KeyPair pair = session.generateKeyPair(
        new Mechanism(algorithm.isRsa() ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN), template);
    try {
      return describe(session, pair.getPrivateKey(), pair.getPublicKey());
    } catch (PKCS11Exception | RuntimeException e) {
      TokenObjects.destroyQuietly(session, pair.getPrivateKey(), pair.getPublicKey());
      throw e;
    }
  }

  /** Reads what requests need from the public key: its algorithm and SubjectPublicKeyInfo. */
  static KeyPairHandle describe(Session session, long privateKey, long publicKey) throws PKCS11Exception {
    Long keyType = session.getAttrValues(publicKey, CKA_KEY_TYPE).keyType();
    if (keyType != null && keyType == CKK_RSA) {
      AttributeVector rsa = session.getAttrValues(publicKey, CKA_MODULUS, CKA_PUBLIC_EXPONENT);
      BigInteger modulus = rsa.modulus();
      BigInteger exponent = rsa.publicExponent();
      if (modulus == null || exponent == null) {
        throw new KmsInternalException("The HSM returned no modulus or exponent for an RSA public key.");
      }
      return new KeyPairHandle(privateKey, publicKey, KeyPairAlgorithm.ofRsaKey(modulus.bitLength()),
          KeyPairEncoder.rsaPublicKeyInfo(modulus, exponent));
    }
    if (keyType != null && keyType == CKK_EC) {
      AttributeVector ec = session.getAttrValues(publicKey, CKA_EC_PARAMS, CKA_EC_POINT);
      ASN1ObjectIdentifier curve;
      try {
        curve = ASN1ObjectIdentifier.getInstance(ec.ecParams());
      } catch (RuntimeException e) {
        throw new KmsInternalException("An EC key in the HSM has parameters that are not a named curve.");
      }
      KeyPairAlgorithm algorithm = KeyPairAlgorithm.ofCurve(curve).orElseThrow(() ->
          new KmsInternalException("An EC key in the HSM is on curve " + curve + ", which KMS does not use."));
      return new KeyPairHandle(privateKey, publicKey, algorithm,
          KeyPairEncoder.ecPublicKeyInfo(curve, algorithm.fieldBits(), ec.ecPoint()));
    }
    throw new KmsInternalException("A key pair in the HSM is neither RSA nor EC (CKK " + keyType + ").");
  }

  private static KeyPairHandle find(Session session, KeyMaterialId id) throws PKCS11Exception {
    long[] privateKeys = TokenObjects.find(session,
        new AttributeVector().class_(CKO_PRIVATE_KEY).token(true).id(id.toBytes()));
    long[] publicKeys = TokenObjects.find(session,
        new AttributeVector().class_(CKO_PUBLIC_KEY).token(true).id(id.toBytes()));
    if (privateKeys.length == 0 || publicKeys.length == 0) {
      throw new KeyUnavailableException("Key material " + id + " does not exist in the HSM"
          + (privateKeys.length + publicKeys.length == 0 ? "." : " as a complete key pair."));
    }
    return describe(session, privateKeys[0], publicKeys[0]);
  }

  private static byte[] derOid(ASN1ObjectIdentifier curve) {
    try {
      // A DER OID: SoftHSM2 rejects a printable curve name with CKR_GENERAL_ERROR.
      return curve.getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
