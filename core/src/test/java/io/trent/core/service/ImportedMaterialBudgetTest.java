package io.trent.core.service;

import static io.trent.core.testing.Scopes.ROOT;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.api.EncryptRequest;
import io.trent.core.api.ImportKeyMaterialRequest;
import io.trent.core.api.ImportParameters;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.error.LimitExceededException;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.testing.FaultInjectingKeyBackend;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.MutableClock;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.Test;

/**
 * The AES-GCM budget belongs to the imported material, not to its HSM object: the encryption the
 * import check makes counts, and deleting (or letting expire) and re-importing the same material
 * takes back its count, in the same process and after a restart.
 */
class ImportedMaterialBudgetTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  /** Never more than 5 encryptions under one material, reserved 2 at a time (imported keys never rotate). */
  private static final KmsPolicy POLICY = new KmsPolicy(3, 5, 2, 25);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FaultInjectingKeyBackend backend = new FaultInjectingKeyBackend();
  private final InMemoryMetadataStore store = new InMemoryMetadataStore();
  private final byte[] material = backend.generateRandom(32);
  private KmsServices kms = start();

  private KmsServices start() {
    return KmsServices.create(backend, store, IDENTITY, clock, POLICY);
  }

  private String externalKey() {
    return kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, "EXTERNAL", null, null, false,
        null)).keyId();
  }

  private KeyMaterialId importMaterial(String keyId, Instant validTo) {
    ImportParameters parameters = kms.imports().getParametersForImport(ROOT, keyId, "RSAES_OAEP_SHA_256", "RSA_2048");
    return kms.imports().importKeyMaterial(ROOT, new ImportKeyMaterialRequest(keyId, parameters.importToken(),
        wrap(parameters.publicKey()), validTo, validTo == null ? "KEY_MATERIAL_DOES_NOT_EXPIRE" : null)).materialId();
  }

  private byte[] wrap(byte[] publicKeyDer) {
    try {
      PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(publicKeyDer));
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(Cipher.ENCRYPT_MODE, publicKey, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
          PSource.PSpecified.DEFAULT));
      return c.doFinal(material);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void encrypt(String keyId) {
    kms.crypto().encrypt(ROOT, new EncryptRequest(keyId, new byte[] {1}, null, null, null, false));
  }

  private long reserved(String keyId) {
    KmsKey key = store.findKey(keyId).orElseThrow();
    return key.materials().stream().mapToLong(KeyMaterial::encryptionsReserved).sum();
  }

  @Test
  void theImportChecksEncryptionCountsAgainstTheMaterial() {
    String keyId = externalKey();
    importMaterial(keyId, null);
    assertThat(reserved(keyId)).as("the import check's AES-GCM encryption").isEqualTo(1);

    for (int i = 0; i < 4; i++) {
      encrypt(keyId); // 2nd to 5th encryption under the material
    }
    assertThatThrownBy(() -> encrypt(keyId)).isInstanceOf(LimitExceededException.class);
  }

  @Test
  void reImportingAfterDeletionAndARestartKeepsTheCount() {
    String keyId = externalKey();
    KeyMaterialId first = importMaterial(keyId, null);
    encrypt(keyId);
    encrypt(keyId); // 3 used (with the import check), 3 reserved
    kms.imports().deleteImportedKeyMaterial(ROOT, keyId);
    kms = start();

    assertThat(importMaterial(keyId, null)).as("the same material id").isEqualTo(first);
    assertThat(reserved(keyId)).isEqualTo(3);
    encrypt(keyId);
    encrypt(keyId); // 5: the limit
    assertThatThrownBy(() -> encrypt(keyId)).isInstanceOf(LimitExceededException.class);
  }

  @Test
  void reImportingAfterExpiryKeepsTheCountWhenTheServerRestartsBeforeTheNextEncryption() {
    String keyId = externalKey();
    importMaterial(keyId, clock.instant().plus(Duration.ofDays(1)));
    encrypt(keyId);
    encrypt(keyId);
    clock.advance(Duration.ofDays(2));
    assertThat(kms.maintenance().runDue().materialsExpired()).isEqualTo(1);

    importMaterial(keyId, null); // in the process that counted: its in-memory count goes on
    kms = start();               // but a restart reads only the store
    encrypt(keyId);
    encrypt(keyId);
    assertThatThrownBy(() -> encrypt(keyId)).isInstanceOf(LimitExceededException.class);
  }

  @Test
  void anEncryptionThatRacesTheDeletionOfItsMaterialIsRefusedRatherThanCountedInMemoryOnly() {
    EncryptionBudget budget = new EncryptionBudget(new KeyCatalog(store, IDENTITY), clock, POLICY);
    String keyId = externalKey();
    KeyMaterialId material = importMaterial(keyId, null);
    KmsKey resolved = store.findKey(keyId).orElseThrow(); // as a request resolved it
    budget.consume(resolved, material);
    budget.consume(resolved, material); // 3 used and reserved, with the import check's
    kms.imports().deleteImportedKeyMaterial(ROOT, keyId);

    // The 4th needs a reservation, and its material is no longer stored to take it.
    assertThatThrownBy(() -> budget.consume(resolved, material)).isInstanceOf(KmsInvalidStateException.class)
        .hasMessage(IDENTITY.home().keyArn(keyId).value() + " is pending import.");

    importMaterial(keyId, null);
    budget.consume(store.findKey(keyId).orElseThrow(), material); // counted as the 5th (the refused one counts)
    assertThat(reserved(keyId)).as("what was used is stored").isEqualTo(5);
  }

  @Test
  void materialAtTheLimitIsStillRefusedAfterDeletionReImportAndRestart() {
    String keyId = externalKey();
    importMaterial(keyId, null);
    for (int i = 0; i < 4; i++) {
      encrypt(keyId);
    }
    assertThatThrownBy(() -> encrypt(keyId)).isInstanceOf(LimitExceededException.class);

    kms.imports().deleteImportedKeyMaterial(ROOT, keyId);
    importMaterial(keyId, null);
    assertThatThrownBy(() -> encrypt(keyId)).as("same process").isInstanceOf(LimitExceededException.class);
    kms = start();
    assertThatThrownBy(() -> encrypt(keyId)).as("after a restart").isInstanceOf(LimitExceededException.class);
    assertThat(reserved(keyId)).isEqualTo(5);
  }
}
