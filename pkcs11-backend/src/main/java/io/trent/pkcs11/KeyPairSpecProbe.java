package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EC_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_KEY_PAIR_GEN;

import io.trent.core.key.DataKeyPairSpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.MechanismInfo;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;

/**
 * Finds out once, at open, which data key pair specs the token can generate.
 *
 * <p>RSA is judged from the mechanism's key-size range (a trial RSA key would cost seconds). A
 * curve can only be judged by trying it: the mechanism info says nothing about which curves the
 * token knows, so each EC spec gets one throwaway session key pair (milliseconds each).
 */
final class KeyPairSpecProbe {

  private static final Logger LOG = LoggerFactory.getLogger(KeyPairSpecProbe.class);

  private KeyPairSpecProbe() {}

  static Set<DataKeyPairSpec> probe(TokenConnection connection) {
    Set<DataKeyPairSpec> supported = EnumSet.noneOf(DataKeyPairSpec.class);
    for (DataKeyPairSpec spec : DataKeyPairSpec.values()) {
      Optional<KeyPairAlgorithm> algorithm = KeyPairAlgorithm.of(spec);
      if (algorithm.isPresent() && canGenerate(connection, algorithm.get())) {
        supported.add(spec);
      }
    }
    LOG.debug("Data key pair specs supported by the token: {}", supported);
    return supported;
  }

  private static boolean canGenerate(TokenConnection connection, KeyPairAlgorithm algorithm) {
    Token token = connection.token;
    if (algorithm.isRsa()) {
      MechanismInfo info = mechanismInfo(token, CKM_RSA_PKCS_KEY_PAIR_GEN);
      return info != null && info.getMinKeySize() <= algorithm.rsaBits()
          && algorithm.rsaBits() <= info.getMaxKeySize();
    }
    if (mechanismInfo(token, CKM_EC_KEY_PAIR_GEN) == null) {
      return false;
    }
    Session session;
    try {
      session = connection.pool.borrow();
    } catch (PKCS11Exception e) {
      LOG.warn("Cannot open a session to probe {}: {}", algorithm.spec(), e.getErrorName());
      return false;
    }
    try {
      DataKeyPairGenerator.generate(session, algorithm).wipe();
      connection.pool.giveBack(session);
      return true;
    } catch (PKCS11Exception | RuntimeException e) {
      connection.pool.discard(session);
      LOG.info("The token cannot generate {} key pairs: {}", algorithm.spec(),
          e instanceof PKCS11Exception p ? p.getErrorName() : e.toString());
      return false;
    }
  }

  private static MechanismInfo mechanismInfo(Token token, long mechanism) {
    boolean listed = Arrays.stream(token.getMechanismList()).anyMatch(code -> code == mechanism);
    return listed ? token.getMechanismInfo(mechanism) : null;
  }
}
