package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EC_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_KEY_PAIR_GEN;

import io.trent.core.error.KmsException;
import io.trent.core.key.DataKeyPairSpec;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.MechanismInfo;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;

/**
 * Finds out which data key pair specs the token can generate (see {@link ProbedCapability}: a
 * probe that hits a fault rather than a refusal throws, and is run again later).
 *
 * <p>RSA is judged from the mechanism's key-size range (a trial RSA key would cost seconds). A
 * curve can only be judged by trying it: the mechanism info says nothing about which curves the
 * token knows, so each EC spec gets one throwaway session key pair (milliseconds each).
 */
final class KeyPairSpecProbe {

  private static final Logger LOG = LoggerFactory.getLogger(KeyPairSpecProbe.class);

  /** Every spec the backend could generate on some token: what the probe tries. */
  static final Set<DataKeyPairSpec> CANDIDATES = Collections.unmodifiableSet(Arrays.stream(DataKeyPairSpec.values())
      .filter(spec -> KeyPairAlgorithm.of(spec).isPresent())
      .collect(Collectors.toCollection(() -> EnumSet.noneOf(DataKeyPairSpec.class))));

  private KeyPairSpecProbe() {}

  /** @throws PKCS11Exception a session, token or device fault that kept a spec from being tried */
  static Set<DataKeyPairSpec> probe(TokenConnection connection) throws PKCS11Exception {
    Set<DataKeyPairSpec> supported = EnumSet.noneOf(DataKeyPairSpec.class);
    for (DataKeyPairSpec spec : CANDIDATES) {
      if (canGenerate(connection, KeyPairAlgorithm.of(spec).orElseThrow())) {
        supported.add(spec);
      }
    }
    LOG.debug("Data key pair specs supported by the token: {}", supported);
    return supported;
  }

  private static boolean canGenerate(TokenConnection connection, KeyPairAlgorithm algorithm)
      throws PKCS11Exception {
    Token token = connection.token;
    if (algorithm.isRsa()) {
      MechanismInfo info = mechanismInfo(token, CKM_RSA_PKCS_KEY_PAIR_GEN);
      return info != null && info.getMinKeySize() <= algorithm.rsaBits()
          && algorithm.rsaBits() <= info.getMaxKeySize();
    }
    if (mechanismInfo(token, CKM_EC_KEY_PAIR_GEN) == null) {
      return false;
    }
    Session session = connection.pool.borrow();
    boolean generated = false;
    try {
      DataKeyPairGenerator.generate(session, algorithm).wipe();
      generated = true;
      return true;
    } catch (PKCS11Exception e) {
      if (DataErrors.isFault(e.getErrorCode())) {
        throw e;
      }
      // SoftHSM2 refuses an unknown curve with CKR_GENERAL_ERROR, which is also how it reports faults.
      DataErrors.confirmHealthy(session);
      LOG.info("The token cannot generate {} key pairs: {}", algorithm.spec(), e.getErrorName());
      return false;
    } catch (KmsException e) {
      LOG.info("The token cannot generate {} key pairs: {}", algorithm.spec(), e.toString());
      return false;
    } finally {
      // A failed key generation may leave session objects behind: that session is not reused.
      if (generated) {
        connection.pool.giveBack(session);
      } else {
        connection.pool.discard(session);
      }
    }
  }

  private static MechanismInfo mechanismInfo(Token token, long mechanism) {
    boolean listed = Arrays.stream(token.getMechanismList()).anyMatch(code -> code == mechanism);
    return listed ? token.getMechanismInfo(mechanism) : null;
  }
}
