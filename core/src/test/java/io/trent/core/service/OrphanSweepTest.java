package io.trent.core.service;

import static io.trent.core.testing.Scopes.ROOT;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.key.ImportToken;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.key.WrappingAlgorithm;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.spi.BackendObject;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.MutableClock;
import io.trent.core.testing.SoftwareKeyBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The start-up orphan sweep and key deletion's wrapping-key cleanup, on SPI doubles. */
class OrphanSweepTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final SoftwareKeyBackend backend = new SoftwareKeyBackend();
  private final InMemoryMetadataStore store = new InMemoryMetadataStore();
  private final KmsServices kms = KmsServices.create(backend, store, IDENTITY, clock, KmsPolicy.DEFAULT);
  private final OrphanSweep sweep = new OrphanSweep(backend, store, clock);

  private KmsKey newKey(String origin) {
    return kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, origin, null, null, false, null));
  }

  /** An import token for the key whose wrapping key is in the backend, valid for a day. */
  private ImportToken importToken(KmsKey key) {
    return importToken(key, Duration.ofDays(1));
  }

  private ImportToken importToken(KmsKey key, Duration validity) {
    String wrappingKeyId = HexFormat.of().formatHex(backend.generateRandom(16));
    backend.addImportWrappingKey(wrappingKeyId);
    ImportToken token = new ImportToken(HexFormat.of().formatHex(backend.generateRandom(32)), key.keyId(),
        wrappingKeyId, WrappingAlgorithm.RSAES_OAEP_SHA_1, WrappingKeySpec.RSA_2048,
        clock.instant().plus(validity));
    store.insertImportToken(token);
    return token;
  }

  @Test
  void trackedObjectsAreLeftAlone() {
    KmsKey key = newKey(null);
    ImportToken live = importToken(newKey("EXTERNAL"));

    OrphanSweep.Report report = sweep.run();

    assertThat(report.untracked()).isEmpty();
    assertThat(report.destroyed()).isEmpty();
    assertThat(backend.keyExists(key.currentMaterial().orElseThrow().id())).isTrue();
    assertThat(backend.importWrappingKeyExists(live.wrappingKeyId())).isTrue();
  }

  @Test
  void keyMaterialWithoutARowIsReportedButKept() {
    newKey(null);
    KeyMaterialId orphan = KeyMaterialId.of(backend.generateRandom(KeyMaterialId.LENGTH));
    backend.createSymmetricKey(orphan, "a-key-whose-row-was-never-written");

    OrphanSweep.Report report = sweep.run();

    assertThat(report.untracked()).containsExactly(new BackendObject(BackendObject.Kind.KEY_MATERIAL, orphan.toHex(),
        "a-key-whose-row-was-never-written"));
    assertThat(report.destroyed()).isEmpty();
    assertThat(backend.keyExists(orphan)).as("a ciphertext may still depend on it").isTrue();
  }

  @Test
  void wrappingKeysWithoutALiveImportTokenAreDestroyed() {
    KmsKey external = newKey("EXTERNAL");
    ImportToken expiring = importToken(external);
    ImportToken live = importToken(external);
    String withoutToken = HexFormat.of().formatHex(backend.generateRandom(16)); // created, then a crash
    backend.addImportWrappingKey(withoutToken);
    store.insertImportToken(new ImportToken(expiring.tokenId() + "0", external.keyId(), expiring.wrappingKeyId(),
        expiring.wrappingAlgorithm(), expiring.wrappingKeySpec(), clock.instant().plusSeconds(1)));
    store.deleteImportToken(expiring.tokenId());
    clock.advance(Duration.ofSeconds(1));

    OrphanSweep.Report report = sweep.run();

    assertThat(report.destroyed()).extracting(BackendObject::id)
        .containsExactlyInAnyOrder(expiring.wrappingKeyId(), withoutToken);
    assertThat(report.untracked()).isEmpty();
    assertThat(report.failures()).isZero();
    assertThat(backend.importWrappingKeyExists(expiring.wrappingKeyId())).isFalse();
    assertThat(backend.importWrappingKeyExists(withoutToken)).isFalse();
    assertThat(backend.importWrappingKeyExists(live.wrappingKeyId())).isTrue();
  }

  @Test
  void deletingAKeyDestroysTheWrappingKeysOfItsImportTokens() {
    KmsKey external = newKey("EXTERNAL");
    KmsKey other = newKey("EXTERNAL");
    // Valid beyond the deletion date, so that only the deletion can account for them.
    ImportToken first = importToken(external, Duration.ofDays(30));
    ImportToken second = importToken(external, Duration.ofDays(30));
    ImportToken othersToken = importToken(other, Duration.ofDays(30));
    kms.keys().scheduleKeyDeletion(ROOT, external.keyId(), 7);
    clock.advance(Duration.ofDays(7));

    assertThat(kms.maintenance().runDue().keysDestroyed()).isEqualTo(1);

    assertThat(backend.importWrappingKeyExists(first.wrappingKeyId())).isFalse();
    assertThat(backend.importWrappingKeyExists(second.wrappingKeyId())).isFalse();
    assertThat(backend.importWrappingKeyExists(othersToken.wrappingKeyId())).isTrue();
    assertThat(sweep.run().destroyed()).as("nothing left for the sweep").isEmpty();
  }
}
