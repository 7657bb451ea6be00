package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.KeyUnavailableException;
import io.trent.core.key.EncryptionAlgorithm;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.MacAlgorithm;
import io.trent.core.key.SigningAlgorithm;
import io.trent.core.spi.SealedBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Session;

/**
 * Key objects destroyed outside Trent (an HSM administrator running {@code pkcs11-tool
 * --delete-object} in another process): no request may use the key once the object check has seen
 * it gone, least of all to make new ciphertexts.
 */
class TokenObjectCheckTest {

  private static final byte[] AAD = "object check".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PLAINTEXT = "made before the deletion".getBytes(StandardCharsets.UTF_8);
  private static final Duration NEVER_BY_ITSELF = Duration.ofHours(1);

  private static SoftHsmToken token;

  @BeforeAll
  static void createToken() {
    token = SoftHsmToken.create("object-check");
  }

  private static Pkcs11Settings settings(Duration objectCheckInterval) {
    Pkcs11Settings s = token.settings();
    return new Pkcs11Settings(s.library(), s.tokenLabel(), s.pin(), s.sessionPoolSize(), s.borrowTimeout(),
        s.ivSource(), objectCheckInterval);
  }

  @Test
  void theObjectCheckMakesADeletedSymmetricKeyUnavailableAndDestroysItsSessionCopy() throws Exception {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(settings(NEVER_BY_ITSELF))) {
      KeyMaterialId key = Pkcs11KeyBackendTest.newId();
      KeyMaterialId kept = Pkcs11KeyBackendTest.newId();
      // Only keys made before the token objects were locked have session copies; this one is such a key.
      Pkcs11KeyBackendTest.createLegacySymmetricKey(backend, token.label, key, "deleted");
      backend.createSymmetricKey(kept, "kept");
      SealedBytes sealed = backend.encrypt(key, PLAINTEXT, AAD);
      SealedBytes keptSealed = backend.encrypt(kept, PLAINTEXT, AAD);
      assertThat(sessionObjectsWithId(backend, key)).as("the key's session copy").hasSize(1);

      deleteOutsideTrent("secrkey", key);
      backend.checkTokenObjects();

      assertUnavailable(() -> backend.encrypt(key, PLAINTEXT, AAD));
      assertUnavailable(() -> backend.generateDataKey(key, 32, AAD));
      assertUnavailable(() -> backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), AAD));
      assertThat(sessionObjectsWithId(backend, key)).as("the session copy is destroyed too").isEmpty();
      // Only that key: the other one works as before.
      assertThat(backend.decrypt(kept, keptSealed.iv(), keptSealed.ciphertextAndTag(), AAD)).isEqualTo(PLAINTEXT);
      assertThat(backend.generateDataKey(kept, 32, AAD).plaintext()).hasSize(32);
    }
  }

  @Test
  void aRequestChecksItsKeyItselfWhenTheLastCheckIsOlderThanTheInterval() throws Exception {
    // An interval shorter than any request: every request finds the last check too old.
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(settings(Duration.ofNanos(1)))) {
      KeyMaterialId key = Pkcs11KeyBackendTest.newId();
      backend.createSymmetricKey(key, "checked per request");
      assertThat(backend.generateDataKey(key, 32, AAD).plaintext()).hasSize(32);

      deleteOutsideTrent("secrkey", key);

      assertUnavailable(() -> backend.generateDataKey(key, 32, AAD));
      assertUnavailable(() -> backend.encrypt(key, PLAINTEXT, AAD));
    }
  }

  @Test
  void aKeyTheExistenceCheckFoundMissingIsUnavailableAtOnce() {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(settings(NEVER_BY_ITSELF))) {
      KeyMaterialId key = Pkcs11KeyBackendTest.newId();
      backend.createSymmetricKey(key, "described");
      SealedBytes sealed = backend.encrypt(key, PLAINTEXT, AAD);

      deleteOutsideTrent("secrkey", key);

      assertThat(backend.keyExists(key)).as("DescribeKey's check").isFalse();
      assertUnavailable(() -> backend.encrypt(key, PLAINTEXT, AAD));
      assertUnavailable(() -> backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), AAD));
    }
  }

  @Test
  void keyPairsAndHmacKeysDeletedOutsideTrentAreUnavailable() throws Exception {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(settings(NEVER_BY_ITSELF))) {
      KeyMaterialId rsa = Pkcs11KeyBackendTest.newId();
      KeyMaterialId ecc = Pkcs11KeyBackendTest.newId();
      KeyMaterialId hmac = Pkcs11KeyBackendTest.newId();
      backend.createAsymmetricKey(rsa, "rsa", KeySpec.RSA_2048, KeyUsage.ENCRYPT_DECRYPT);
      backend.createAsymmetricKey(ecc, "ecc", KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY);
      backend.createHmacKey(hmac, "hmac", KeySpec.HMAC_256);
      byte[] digest = new byte[32];
      assertThat(backend.rsaEncrypt(rsa, EncryptionAlgorithm.RSAES_OAEP_SHA_256, PLAINTEXT)).hasSize(256);
      assertThat(backend.sign(ecc, SigningAlgorithm.ECDSA_SHA_256, digest)).isNotEmpty();
      assertThat(backend.mac(hmac, MacAlgorithm.HMAC_SHA_256, PLAINTEXT)).hasSize(32);

      deleteOutsideTrent("privkey", rsa);
      deleteOutsideTrent("privkey", ecc);
      deleteOutsideTrent("secrkey", hmac);
      backend.checkTokenObjects();

      // SoftHSM2 cannot do SHA-256 OAEP, so this encryption runs in software with the cached public
      // key: without the check it would make ciphertexts that nothing can decrypt any more.
      assertUnavailable(() -> backend.rsaEncrypt(rsa, EncryptionAlgorithm.RSAES_OAEP_SHA_256, PLAINTEXT));
      assertUnavailable(() -> backend.sign(ecc, SigningAlgorithm.ECDSA_SHA_256, digest));
      assertUnavailable(() -> backend.mac(hmac, MacAlgorithm.HMAC_SHA_256, PLAINTEXT));
    }
  }

  @Test
  void aDestroyedKeyIsForgottenByTheCheckWithoutHarm() {
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(settings(NEVER_BY_ITSELF))) {
      KeyMaterialId destroyed = Pkcs11KeyBackendTest.newId();
      KeyMaterialId kept = Pkcs11KeyBackendTest.newId();
      backend.createSymmetricKey(destroyed, "destroyed");
      backend.createSymmetricKey(kept, "kept");
      backend.encrypt(destroyed, PLAINTEXT, AAD);
      SealedBytes sealed = backend.encrypt(kept, PLAINTEXT, AAD);

      backend.destroyKey(destroyed);
      backend.checkTokenObjects();

      assertUnavailable(() -> backend.encrypt(destroyed, PLAINTEXT, AAD));
      assertThat(backend.decrypt(kept, sealed.iv(), sealed.ciphertextAndTag(), AAD)).isEqualTo(PLAINTEXT);
      assertThat(backend.isHealthy()).isTrue();
    }
  }

  private static void assertUnavailable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(KeyUnavailableException.class);
  }

  /** Session objects (CKA_TOKEN=false) with the key's CKA_ID: its session copy, if any. */
  private static long[] sessionObjectsWithId(Pkcs11KeyBackend backend, KeyMaterialId id) throws Exception {
    Session session = TokenLookup.byLabel(backend.module(), token.label).openSession(false);
    try {
      session.findObjectsInit(new AttributeVector().token(false).id(id.toBytes()));
      try {
        return session.findObjects(16);
      } finally {
        session.findObjectsFinal();
      }
    } finally {
      session.closeSession();
    }
  }

  /** {@code pkcs11-tool --delete-object} in its own process, as an HSM administrator would. */
  private static void deleteOutsideTrent(String type, KeyMaterialId id) {
    List<String> command = new ArrayList<>(List.of("pkcs11-tool", "--module", SoftHsmToken.LIBRARY.toString(),
        "--token-label", token.label, "--login", "--pin", new String(token.userPin),
        "--delete-object", "--type", type, "--id", SoftHsmToken.hex(id.toBytes())));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("pkcs11-tool finished").isTrue();
      assertThat(process.exitValue()).as("pkcs11-tool: %s", output.replace(new String(token.userPin), "****"))
          .isZero();
    } catch (IOException e) {
      throw new IllegalStateException("pkcs11-tool could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
