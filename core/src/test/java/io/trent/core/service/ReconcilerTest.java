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
import io.trent.core.audit.InternalEvent;
import io.trent.core.audit.InternalEvents;
import io.trent.core.error.KmsInternalException;
import io.trent.core.key.KeyDestruction;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.BackendObject;
import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.MetadataUnavailableException;
import io.trent.core.testing.FaultInjectingKeyBackend;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.Test;

/**
 * Reconciliation on SPI doubles: each state a crash between an HSM step and its metadata write can leave, what
 * each mode repairs, and the step orders that make those states safe.
 */
class ReconcilerTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FaultInjectingKeyBackend backend = new FaultInjectingKeyBackend();
  private final InMemoryMetadataStore store = new InMemoryMetadataStore();
  private final byte[] imported = backend.generateRandom(32);
  private KmsServices kms = KmsServices.create(backend, store, IDENTITY, clock, KmsPolicy.DEFAULT);
  private final List<InternalEvent> events = new ArrayList<>();
  private final InternalEvents recorder = new InternalEvents() {
    @Override
    public void checkWritable() { }

    @Override
    public void record(InternalEvent event) {
      events.add(event);
    }
  };

  private Reconciler.Report run(Reconciler.Mode mode) {
    return kms.maintenance().reconciler().run(mode, recorder);
  }

  private KmsKey newKey(String origin) {
    return kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, origin, null, null, false, null));
  }

  private KmsKey stored(String keyId) {
    return store.findKey(keyId).orElseThrow();
  }

  private KeyMaterialId material(KmsKey key) {
    return stored(key.keyId()).currentMaterial().orElseThrow().id();
  }

  private KeyMaterialId newMaterialLabelled(String keyId) {
    KeyMaterialId id = KeyMaterialId.of(backend.generateRandom(KeyMaterialId.LENGTH));
    backend.createSymmetricKey(id, keyId);
    return id;
  }

  private ImportParameters parameters(String keyId) {
    return kms.imports().getParametersForImport(ROOT, keyId, "RSAES_OAEP_SHA_256", "RSA_2048");
  }

  private KeyMaterialId importMaterial(String keyId) {
    ImportParameters parameters = parameters(keyId);
    return kms.imports().importKeyMaterial(ROOT, new ImportKeyMaterialRequest(keyId, parameters.importToken(),
        wrap(parameters.publicKey()), null, "KEY_MATERIAL_DOES_NOT_EXPIRE")).materialId();
  }

  private byte[] wrap(byte[] publicKeyDer) {
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(Cipher.ENCRYPT_MODE, KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(publicKeyDer)),
          new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
      return c.doFinal(imported);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void encrypt(KmsKey key) {
    kms.crypto().encrypt(ROOT, new EncryptRequest(key.keyId(), new byte[] {1}, null, null, null, false));
  }

  @Test
  void aStoreAndTokenThatAgreeHaveNoDrift() {
    KmsKey key = newKey(null);
    KmsKey external = newKey("EXTERNAL");
    importMaterial(external.keyId());
    parameters(external.keyId()); // a live wrapping key
    kms.rotation().rotateKeyOnDemand(ROOT, key.keyId());

    Reconciler.Report report = run(Reconciler.Mode.DESTROY_UNTRACKED);

    assertThat(report.drift()).isEmpty();
    assertThat(report.clean()).isTrue();
    assertThat(backend.listObjects()).hasSize(4);
  }

  @Test
  void materialOfACreateKeyWhoseRowNeverCommittedIsDestroyedOnlyOnTheOperatorsWord() {
    String keyId = UUID.randomUUID().toString();
    KeyMaterialId orphan = newMaterialLabelled(keyId);

    for (Reconciler.Mode mode : List.of(Reconciler.Mode.REPORT, Reconciler.Mode.START_UP, Reconciler.Mode.REPAIR)) {
      Reconciler.Report report = run(mode);
      assertThat(report.drift()).as(mode.name())
          .containsExactly(new Drift(Drift.Kind.ORPHAN_MATERIAL, keyId, orphan.toHex(), false));
      assertThat(report.clean()).isFalse();
      assertThat(backend.keyExists(orphan)).as("a restored database looks the same: data may depend on it").isTrue();
    }

    Reconciler.Report report = run(Reconciler.Mode.DESTROY_UNTRACKED);

    assertThat(report.drift()).containsExactly(new Drift(Drift.Kind.ORPHAN_MATERIAL, keyId, orphan.toHex(), true));
    assertThat(report.clean()).isTrue();
    assertThat(backend.keyExists(orphan)).isFalse();
    assertThat(run(Reconciler.Mode.REPORT).drift()).isEmpty();
  }

  @Test
  void materialOfARotationThatNeverCommittedIsReportedAndDestroyedOnlyOnTheOperatorsWord() {
    KmsKey key = newKey(null);
    KeyMaterialId current = material(key);
    KeyMaterialId uncommitted = newMaterialLabelled(key.keyId());

    assertThat(run(Reconciler.Mode.REPAIR).drift())
        .containsExactly(new Drift(Drift.Kind.UNCOMMITTED_ROTATION, key.keyId(), uncommitted.toHex(), false));
    Reconciler.Report report = run(Reconciler.Mode.DESTROY_UNTRACKED);

    assertThat(report.drift())
        .containsExactly(new Drift(Drift.Kind.UNCOMMITTED_ROTATION, key.keyId(), uncommitted.toHex(), true));
    assertThat(backend.keyExists(uncommitted)).isFalse();
    assertThat(backend.keyExists(current)).isTrue();
    encrypt(key);
  }

  @Test
  void materialOfAnImportThatNeverCommittedIsDestroyedByRepairButNotAtStartUp() {
    KmsKey external = newKey("EXTERNAL");
    KeyMaterialId unwrapped = newMaterialLabelled(external.keyId()); // unwrapped; the row still PendingImport

    assertThat(run(Reconciler.Mode.START_UP).drift())
        .as("another node may be between the unwrap and the row")
        .containsExactly(new Drift(Drift.Kind.UNCOMMITTED_IMPORT, external.keyId(), unwrapped.toHex(), false));
    Reconciler.Report report = run(Reconciler.Mode.REPAIR);

    assertThat(report.drift())
        .containsExactly(new Drift(Drift.Kind.UNCOMMITTED_IMPORT, external.keyId(), unwrapped.toHex(), true));
    assertThat(backend.keyExists(unwrapped)).isFalse();
    assertThat(stored(external.keyId()).state()).isEqualTo(KeyState.PendingImport);
    importMaterial(external.keyId()); // the import can simply be made again
    assertThat(run(Reconciler.Mode.REPORT).drift()).isEmpty();
  }

  @Test
  void materialThatARecordSaysWasDestroyedIsDestroyedAtStartUp() {
    KmsKey key = newKey(null);
    KeyMaterialId id = material(key);
    kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7);
    clock.advance(Duration.ofDays(7));
    backend.beforeNextDestroy(() -> {
      throw new KmsInternalException("injected: the object survives");
    });
    // The key is deleted, but the HSM object was not destroyed (as a backend that failed silently would leave it).
    kms.maintenance().runDue();
    if (store.findKey(key.keyId()).isPresent()) {
      // This store refuses to delete before the HSM step succeeded: delete it as a silent failure would.
      store.beginDestruction(key.keyId(), clock.instant());
      store.deleteKey(key.keyId(), clock.instant());
    }
    assertThat(backend.keyExists(id)).isTrue();
    kms = KmsServices.create(backend, store, IDENTITY, clock, KmsPolicy.DEFAULT); // a restart: nothing cached

    Reconciler.Report report = run(Reconciler.Mode.START_UP);

    assertThat(report.drift()).containsExactly(new Drift(Drift.Kind.DESTROYED_MATERIAL_PRESENT, key.keyId(), id.toHex(),
        true));
    assertThat(backend.keyExists(id)).isFalse();
  }

  @Test
  void aScheduledDeletionThatCrashedAfterTheHsmIsFinishedAtStartUpAndAudited() {
    KmsKey key = newKey(null);
    KeyMaterialId id = material(key);
    kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7);
    clock.advance(Duration.ofDays(7));
    // What MaintenanceService did before the crash: the destruction begun, the HSM object destroyed.
    store.beginDestruction(key.keyId(), clock.instant());
    backend.destroyKey(id);

    assertThat(run(Reconciler.Mode.REPORT).drift())
        .containsExactly(new Drift(Drift.Kind.UNFINISHED_KEY_DELETION, key.keyId(), id.toHex(), false));
    Reconciler.Report report = run(Reconciler.Mode.START_UP);

    assertThat(report.drift())
        .containsExactly(new Drift(Drift.Kind.UNFINISHED_KEY_DELETION, key.keyId(), id.toHex(), true));
    assertThat(store.findKey(key.keyId())).isEmpty();
    assertThat(store.listDestructions(key.keyId())).extracting(KeyDestruction::materialId).containsExactly(id);
    assertThat(events).containsExactly(new InternalEvent(InternalEvent.Kind.DELETE_KEY, key.arn(), List.of(id.toHex())));
  }

  @Test
  void aKeyDueForDeletionWithAllItsMaterialIsNotDrift() {
    KmsKey key = newKey(null);
    kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7);
    clock.advance(Duration.ofDays(8));

    assertThat(run(Reconciler.Mode.START_UP).drift()).as("maintenance's work, not drift").isEmpty();
    assertThat(store.findKey(key.keyId())).isPresent();
  }

  /** Fails on the old order (destroy, then record): the failed destroy left no record, so nothing finished it. */
  @Test
  void aDeletionOfImportedMaterialIsRecordedBeforeTheHsmStepSoReconciliationFinishesIt() {
    KmsKey external = newKey("EXTERNAL");
    KeyMaterialId id = importMaterial(external.keyId());
    backend.beforeNextDestroy(() -> {
      throw new KmsInternalException("injected: the process dies here");
    });
    assertThatThrownBy(() -> kms.imports().deleteImportedKeyMaterial(ROOT, external.keyId()))
        .isInstanceOf(KmsInternalException.class);
    assertThat(stored(external.keyId()).state()).isEqualTo(KeyState.Enabled);

    Reconciler.Report report = run(Reconciler.Mode.START_UP);

    assertThat(report.drift()).containsExactly(
        new Drift(Drift.Kind.UNFINISHED_MATERIAL_DELETION, external.keyId(), id.toHex(), true));
    assertThat(backend.keyExists(id)).isFalse();
    assertThat(stored(external.keyId()).state()).isEqualTo(KeyState.PendingImport);
    assertThat(stored(external.keyId()).materials()).isEmpty();
  }

  @Test
  void aReimportOfEarlierMaterialIsNotMistakenForAnUnfinishedDeletion() {
    KmsKey external = newKey("EXTERNAL");
    KeyMaterialId id = importMaterial(external.keyId());
    kms.imports().deleteImportedKeyMaterial(ROOT, external.keyId());
    clock.advance(Duration.ofSeconds(1));
    assertThat(importMaterial(external.keyId())).as("the same material takes back its id").isEqualTo(id);

    assertThat(run(Reconciler.Mode.START_UP).drift()).isEmpty();
    assertThat(backend.keyExists(id)).isTrue();
  }

  @Test
  void aRowWhoseMaterialIsGoneIsReportedAndNeverRepaired() {
    KmsKey key = newKey(null);
    KeyMaterialId id = material(key);
    backend.destroyKey(id);

    Reconciler.Report report = run(Reconciler.Mode.DESTROY_UNTRACKED);

    assertThat(report.drift()).containsExactly(new Drift(Drift.Kind.MISSING_MATERIAL, key.keyId(), id.toHex(), false));
    assertThat(report.clean()).isFalse();
    assertThat(stored(key.keyId()).state()).isEqualTo(KeyState.Enabled);
  }

  @Test
  void wrappingKeysOfExpiredTokensAreDestroyedAtStartUpAndThoseWithoutATokenOnlyByRepair() {
    KmsKey external = newKey("EXTERNAL");
    parameters(external.keyId());
    String expired = wrappingKeys().get(0);
    clock.advance(ImportService.PARAMETERS_VALIDITY);
    parameters(external.keyId()); // live
    String rowless = backend.createImportWrappingKey(io.trent.core.key.WrappingKeySpec.RSA_2048).id();
    assertThat(wrappingKeys()).hasSize(3);

    Reconciler.Report startUp = run(Reconciler.Mode.START_UP);

    assertThat(startUp.drift()).containsExactlyInAnyOrder(
        new Drift(Drift.Kind.STALE_WRAPPING_KEY, null, expired, true),
        new Drift(Drift.Kind.UNUSED_WRAPPING_KEY, null, rowless, false));
    assertThat(wrappingKeys()).hasSize(2).contains(rowless).doesNotContain(expired);

    assertThat(run(Reconciler.Mode.REPAIR).drift())
        .containsExactly(new Drift(Drift.Kind.UNUSED_WRAPPING_KEY, null, rowless, true));
    assertThat(wrappingKeys()).hasSize(1).doesNotContain(rowless);
  }

  private List<String> wrappingKeys() {
    return backend.listObjects().stream().filter(o -> o.kind() == BackendObject.Kind.IMPORT_WRAPPING_KEY)
        .map(BackendObject::id).toList();
  }

  /** A CreateKey whose insert may have committed keeps its material. Fails on the old code, which destroyed it. */
  @Test
  void aCreateKeyWhoseCommitIsUncertainKeepsItsMaterial() {
    kms = KmsServices.create(backend, quietAfter("insertKey"), IDENTITY, clock, KmsPolicy.DEFAULT);
    quietAfterWrite.set(true);

    assertThatThrownBy(() -> newKey(null)).isInstanceOf(MetadataUnavailableException.class);

    KmsKey created = store.listKeys(null, 10, null).items().get(0);
    assertThat(backend.keyExists(created.currentMaterial().orElseThrow().id()))
        .as("the committed row names it, so it must exist").isTrue();
    encrypt(created);
    assertThat(run(Reconciler.Mode.REPORT).drift()).isEmpty();
  }

  /**
   * An automatic rotation stores its new material and its next date in one write, so a crash cannot leave a
   * rotated key still due. Fails on the old code: its second write (the next date), lost, made the next run
   * rotate again.
   */
  @Test
  void anAutomaticRotationIsOneWriteSoACrashCannotRepeatIt() {
    java.util.concurrent.atomic.AtomicInteger writesBeforeLoss = new java.util.concurrent.atomic.AtomicInteger(-1);
    MetadataStore losing = (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
        new Class<?>[] {MetadataStore.class}, (proxy, called, args) -> {
          if (called.getName().equals("updateKey") && writesBeforeLoss.getAndDecrement() == 0) {
            throw new MetadataUnavailableException("injected: the process died before this write", null);
          }
          try {
            return called.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    kms = KmsServices.create(backend, losing, IDENTITY, clock, KmsPolicy.DEFAULT);
    KmsKey key = newKey(null);
    kms.rotation().enableKeyRotation(ROOT, key.keyId(), 90);
    clock.advance(Duration.ofDays(91));

    writesBeforeLoss.set(1); // the rotation's first write lands, any second one is lost
    kms.maintenance().runDue();
    writesBeforeLoss.set(-1);
    kms.maintenance().runDue();

    assertThat(stored(key.keyId()).materials()).as("rotated once").hasSize(2);
  }

  private final AtomicBoolean quietAfterWrite = new AtomicBoolean();

  /** The store, except that the next call of {@code method} once armed commits and then throws as a lost answer. */
  private MetadataStore quietAfter(String method) {
    return (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
        new Class<?>[] {MetadataStore.class}, (proxy, called, args) -> {
          Object result;
          try {
            result = called.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (called.getName().equals(method) && quietAfterWrite.getAndSet(false)) {
            throw new MetadataUnavailableException("injected: no answer after the commit", null);
          }
          return result;
        });
  }

  /**
   * A rotation whose row update may have committed (the database went quiet after the write) keeps its new
   * material: another node may already encrypt under it. Fails on the old code, which destroyed it.
   */
  @Test
  void aRotationWhoseCommitIsUncertainKeepsItsMaterial() {
    kms = KmsServices.create(backend, quietAfter("updateKey"), IDENTITY, clock, KmsPolicy.DEFAULT);
    KmsKey key = newKey(null);
    quietAfterWrite.set(true);

    assertThatThrownBy(() -> kms.rotation().rotateKeyOnDemand(ROOT, key.keyId()))
        .isInstanceOf(MetadataUnavailableException.class);

    KmsKey rotated = stored(key.keyId());
    assertThat(rotated.materials()).hasSize(2);
    assertThat(backend.keyExists(rotated.currentMaterial().orElseThrow().id()))
        .as("the committed row names it, so it must exist").isTrue();
    assertThat(run(Reconciler.Mode.REPORT).drift()).isEmpty();
  }
}
