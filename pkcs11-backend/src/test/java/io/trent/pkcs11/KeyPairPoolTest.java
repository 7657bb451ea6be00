package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;

import io.trent.core.error.KmsInternalException;
import io.trent.core.key.DataKeyPairSpec;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.spi.GeneratedKeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xipki.pkcs11.wrapper.AttributeVector;

/**
 * The key pair pool on a real SoftHSM2 token: pooled pairs are session objects, each used by one request and
 * destroyed, the pool refills in the background, a dry pool falls back to inline generation, close destroys what
 * is left.
 */
class KeyPairPoolTest {
  private static final byte[] AAD = "pool".getBytes();
  private SoftHsmToken token;
  private Pkcs11KeyBackend backend;
  private KeyMaterialId key;

  @BeforeEach
  void open() {
    token = SoftHsmToken.create("keypair-pool");
    backend = Pkcs11KeyBackend.open(token.settings());
    key = Pkcs11KeyBackendTest.newId();
    backend.createSymmetricKey(key, "pool-test");
  }

  @AfterEach
  void close() {
    backend.close();
  }

  @Test
  void eachPooledPairIsUsedOnceAndDestroyedThenTheDryPoolGeneratesInline() {
    KeyPairPool pool = backend.startKeyPairPool(Map.of(DataKeyPairSpec.ECC_NIST_P256, 3), false);
    assertThat(sessionKeyObjects()).as("nothing made ahead yet").isZero();
    pool.fillNow();
    assertThat(backend.keyPairPoolLevel(DataKeyPairSpec.ECC_NIST_P256)).isEqualTo(3);
    assertThat(sessionKeyObjects()).as("three pairs, as session objects").isEqualTo(6);
    assertThat(tokenObjectsOfPairs()).as("never token objects").isZero();

    List<String> privateKeys = new ArrayList<>();
    for (int level = 2; level >= 0; level--) {
      privateKeys.add(privateKeyOf(backend.generateDataKeyPair(key, DataKeyPairSpec.ECC_NIST_P256, AAD)));
      assertThat(backend.keyPairPoolLevel(DataKeyPairSpec.ECC_NIST_P256)).isEqualTo(level);
      assertThat(sessionKeyObjects()).as("the pair taken is destroyed").isEqualTo(2 * level);
    }
    // Dry: inline generation answers, and leaves nothing behind either.
    privateKeys.add(privateKeyOf(backend.generateDataKeyPair(key, DataKeyPairSpec.ECC_NIST_P256, AAD)));
    assertThat(backend.keyPairPoolLevel(DataKeyPairSpec.ECC_NIST_P256)).isZero();
    assertThat(sessionKeyObjects()).isZero();
    assertThat(privateKeys).as("no private key is handed out twice").doesNotHaveDuplicates().hasSize(4);

    pool.fillNow();
    assertThat(backend.keyPairPoolLevel(DataKeyPairSpec.ECC_NIST_P256)).isEqualTo(3);
    pool.close(1000);
    assertThat(backend.keyPairPoolLevel(DataKeyPairSpec.ECC_NIST_P256)).isZero();
    assertThat(sessionKeyObjects()).as("close destroys the pooled pairs").isZero();
  }

  @Test
  void refillsInTheBackgroundAfterABurst() {
    backend.startKeyPairPool(Map.of(DataKeyPairSpec.RSA_2048, 2, DataKeyPairSpec.ECC_NIST_P384, 2));
    awaitTrue(() -> backend.keyPairPoolLevel(DataKeyPairSpec.RSA_2048) == 2
        && backend.keyPairPoolLevel(DataKeyPairSpec.ECC_NIST_P384) == 2, "the pool fills");
    assertThat(sessionKeyObjects()).isEqualTo(8);

    List<String> privateKeys = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      privateKeys.add(privateKeyOf(backend.generateDataKeyPair(key, DataKeyPairSpec.RSA_2048, AAD)));
    }
    assertThat(privateKeys).doesNotHaveDuplicates();
    awaitTrue(() -> backend.keyPairPoolLevel(DataKeyPairSpec.RSA_2048) == 2, "the pool refills");
    awaitTrue(() -> sessionKeyObjects() == 8, "only the pooled pairs are left in the token");
  }

  @Test
  void afterAModuleResetThePooledPairsAreForgottenNeverUsedAndThePoolRefills() {
    KeyPairPool pool = backend.startKeyPairPool(Map.of(DataKeyPairSpec.ECC_NIST_P256, 2), false);
    pool.fillNow();
    // A lost device: every session, the pool's too, and every session object are gone.
    LoadedModules.finalizeQuietly(backend.module());

    GeneratedKeyPair pair = null;
    for (int attempt = 0; attempt < 3 && pair == null; attempt++) {
      try {
        pair = backend.generateDataKeyPair(key, DataKeyPairSpec.ECC_NIST_P256, AAD);
      } catch (KmsInternalException e) {
        assertThat(e.isRetryable()).as("a failure while the module is reset is retryable").isTrue();
      }
    }
    assertThat(pair).as("served after the reset, by inline generation").isNotNull();
    assertThat(backend.keyPairPoolLevel(DataKeyPairSpec.ECC_NIST_P256)).as("the old pairs are dropped").isZero();
    assertThat(sessionKeyObjects()).isZero();

    pool.fillNow();
    assertThat(backend.keyPairPoolLevel(DataKeyPairSpec.ECC_NIST_P256)).isEqualTo(2);
    assertThat(sessionKeyObjects()).as("made on a new session of the new module state").isEqualTo(4);
    backend.generateDataKeyPair(key, DataKeyPairSpec.ECC_NIST_P256, AAD);
    assertThat(backend.keyPairPoolLevel(DataKeyPairSpec.ECC_NIST_P256)).isOne();
  }

  @Test
  void specsTheTokenCannotGenerateAreLeftOut() {
    backend.startKeyPairPool(Map.of(DataKeyPairSpec.SM2, 4, DataKeyPairSpec.ECC_NIST_P256, 0), false);
    assertThat(backend.keyPairPoolSizes()).isEmpty();
    assertThat(backend.keyPairPoolLevel(DataKeyPairSpec.SM2)).isZero();
  }

  private static String privateKeyOf(GeneratedKeyPair pair) {
    return HexFormat.of().formatHex(pair.privateKeyDer());
  }

  /** Public and private key session objects (the pool's pairs; symmetric session copies are secret keys). */
  private int sessionKeyObjects() {
    return backend.execute("count", connection -> Pkcs11KeyBackend.onPooledSession(connection, session ->
        TokenObjects.find(session, new AttributeVector().token(false).class_(CKO_PRIVATE_KEY)).length
            + TokenObjects.find(session, new AttributeVector().token(false).class_(CKO_PUBLIC_KEY)).length));
  }

  /** Token key pair objects (none: the test makes no asymmetric KMS key). */
  private int tokenObjectsOfPairs() {
    return backend.execute("count", connection -> Pkcs11KeyBackend.onPooledSession(connection, session ->
        TokenObjects.find(session, new AttributeVector().token(true).class_(CKO_PRIVATE_KEY)).length));
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("timed out waiting: " + what).isNegative();
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // a poll interval, not a synchronisation
    }
  }
}
