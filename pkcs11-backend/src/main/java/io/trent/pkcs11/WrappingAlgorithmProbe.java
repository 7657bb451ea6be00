package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_GENERATE_KEY_PAIR;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_UNWRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_RSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_OAEP;

import io.trent.core.key.WrappingAlgorithm;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.Cipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.MechanismInfo;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11KeyPair;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;

/**
 * Finds out which wrapping algorithms the token can unwrap imported key material with, by doing
 * it: a throwaway RSA-2048 session key pair, a random AES key wrapped here with its public key
 * (OAEP with SHA-1, then SHA-256) and unwrapped in the token, then an RFC 5649 wrap under that AES
 * key unwrapped in the token. The mechanism list alone cannot tell: SoftHSM2 2.6.1 lists
 * CKM_RSA_PKCS_OAEP but only accepts SHA-1 parameters.
 *
 * <p>Never offered: RSAES_PKCS1_V1_5 (AWS deprecated it; PKCS#1 v1.5 decryption is a padding
 * oracle) and SM2PKE (no token mechanism). The probe costs an RSA-2048 key generation, so the
 * backend runs it on first use rather than at open. A fault throws, so that the probe is run again
 * later (see {@link ProbedCapability}) rather than taken as a refusal.
 */
final class WrappingAlgorithmProbe {

  private static final Logger LOG = LoggerFactory.getLogger(WrappingAlgorithmProbe.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private WrappingAlgorithmProbe() {}

  static Set<WrappingAlgorithm> probe(Token token, Session session) throws PKCS11Exception {
    Set<WrappingAlgorithm> supported = EnumSet.noneOf(WrappingAlgorithm.class);
    if (!offers(token, CKM_RSA_PKCS_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR) || !offers(token, CKM_RSA_PKCS_OAEP, CKF_UNWRAP)) {
      LOG.info("The HSM cannot unwrap with RSA-OAEP; key material import is not available.");
      return supported;
    }
    boolean kwp = offers(token, CKM_AES_KEY_WRAP_PAD, CKF_UNWRAP);
    KeyPairTemplate template = new KeyPairTemplate(CKK_RSA).token(false).unwrapWrap(true);
    template.publicKey().modulusBits(2048).publicExponent(BigInteger.valueOf(65537));
    template.privateKey().private_(true).sensitive(true).extractable(false);
    PKCS11KeyPair pair = session.generateKeyPair(new Mechanism(CKM_RSA_PKCS_KEY_PAIR_GEN), template);
    try {
      PublicKey publicKey = publicKey(KmsKeyPairObjects.describe(session, pair.getPrivateKey(), pair.getPublicKey()));
      for (OaepParameters oaep : OaepParameters.values()) {
        byte[] kek = new byte[32];
        RANDOM.nextBytes(kek); // a throwaway test key, not key material
        Long ephemeral = unwrapOrNull(session, oaep.mechanism(), pair.getPrivateKey(), oaepEncrypt(publicKey, oaep, kek),
            AttributeVector.newAESSecretKey().token(false).sensitive(true).extractable(false).unwrap(true));
        if (ephemeral == null) {
          continue;
        }
        try {
          supported.add(oaep == OaepParameters.SHA_1 ? WrappingAlgorithm.RSAES_OAEP_SHA_1 : WrappingAlgorithm.RSAES_OAEP_SHA_256);
          if (kwp && canUnwrapKwp(session, ephemeral, kek)) {
            supported.add(oaep == OaepParameters.SHA_1
                ? WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1 : WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256);
          }
        } finally {
          TokenObjects.destroyQuietly(session, ephemeral);
        }
      }
    } finally {
      TokenObjects.destroyQuietly(session, pair.getPrivateKey(), pair.getPublicKey());
    }
    LOG.info("Wrapping algorithms the HSM can import key material with: {}", supported);
    return supported;
  }

  private static boolean canUnwrapKwp(Session session, long kek, byte[] kekValue) throws PKCS11Exception {
    byte[] material = new byte[32];
    RANDOM.nextBytes(material);
    RFC5649WrapEngine engine = new RFC5649WrapEngine(AESEngine.newInstance());
    engine.init(true, new KeyParameter(kekValue));
    Long unwrapped = unwrapOrNull(session, new Mechanism(CKM_AES_KEY_WRAP_PAD), kek,
        engine.wrap(material, 0, material.length),
        AttributeVector.newAESSecretKey().token(false).sensitive(true).extractable(false).encrypt(true));
    if (unwrapped == null) {
      return false;
    }
    TokenObjects.destroyQuietly(session, unwrapped);
    return true;
  }

  /**
   * The unwrapped key, or null when the token refuses: any error that is not a session or device
   * fault, from a session and token that check healthy afterwards.
   */
  private static Long unwrapOrNull(Session session, Mechanism mechanism, long key, byte[] wrapped,
                                   AttributeVector template) throws PKCS11Exception {
    try {
      return session.unwrapKey(mechanism, key, wrapped, template);
    } catch (PKCS11Exception e) {
      if (DataErrors.isFault(e.getErrorCode())) {
        throw e;
      }
      DataErrors.confirmHealthy(session); // a refusal only counts from a healthy token
      LOG.debug("The HSM refused {} for unwrapping: {}", mechanism, e.getErrorName());
      return null;
    }
  }

  private static PublicKey publicKey(KeyPairHandle pair) {
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(pair.publicKeyInfo()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK cannot read the probe's RSA public key", e);
    }
  }

  private static byte[] oaepEncrypt(PublicKey publicKey, OaepParameters oaep, byte[] value) {
    try {
      Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
      cipher.init(Cipher.ENCRYPT_MODE, publicKey, oaep.jceSpec());
      return cipher.doFinal(value);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA-OAEP encryption with the JDK failed: " + e.getMessage(), e);
    }
  }

  private static boolean offers(Token token, long mechanism, long flag) {
    if (Arrays.stream(token.getMechanismList()).noneMatch(code -> code == mechanism)) {
      return false;
    }
    MechanismInfo info = token.getMechanismInfo(mechanism);
    return info != null && info.hasFlagBit(flag);
  }
}
