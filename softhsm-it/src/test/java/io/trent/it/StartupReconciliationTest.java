package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.service.Drift;
import io.trent.core.service.Reconciler;
import io.trent.core.spi.ImportWrappingKey;
import io.trent.core.spi.KeyBackend;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * HSM objects that no metadata row tracks, on the real token: the start-up reconciliation reports key
 * material created without its row (and keeps it), and destroys a wrapping key nobody can use;
 * deleting a key destroys the wrapping keys of its outstanding import parameters. Runs late: it
 * restarts the server and moves the shared clock.
 */
@Order(Integer.MAX_VALUE - 1)
@ExtendWith(TrentExtension.class)
class StartupReconciliationTest {

  @Test
  void theStartUpReconciliationReportsUntrackedObjectsAndKeepsThem() throws Exception {
    // What a crash between creating the HSM object and writing its row leaves behind.
    KeyBackend backend = Trent.server().services().backend();
    KeyMaterialId orphan = KeyMaterialId.of(backend.generateRandom(KeyMaterialId.LENGTH));
    String orphanKeyId = UUID.randomUUID().toString();
    backend.createSymmetricKey(orphan, orphanKeyId);
    ImportWrappingKey rowless = backend.createImportWrappingKey(WrappingKeySpec.RSA_2048);
    KeyMetadata tracked = Trent.newKey("StartupReconciliationTest tracked");

    Trent.restart();

    Reconciler.Report report = Trent.server().startupReconciliation();
    assertThat(report.drift()).contains(new Drift(Drift.Kind.ORPHAN_MATERIAL, orphanKeyId, orphan.toHex(), false));
    assertThat(report.drift()).noneMatch(d -> tracked.keyId().equals(d.keyId()));
    // Another node may be between creating a wrapping key and storing its token: only an operator destroys it.
    assertThat(report.drift()).contains(new Drift(Drift.Kind.UNUSED_WRAPPING_KEY, null, rowless.id(), false));
    assertThat(report.failures()).isZero();
    assertThat(Pkcs11Tool.objectsOf(orphanKeyId)).as("untracked material is kept for an operator").hasSize(1);
    assertThat(ImportKeyMaterialTest.wrappingKeyIds()).contains(rowless.id());
    assertThat(Pkcs11Tool.objectsOf(tracked.keyId())).hasSize(1);

    Trent.server().services().backend().destroyKey(orphan);
    Trent.server().services().backend().destroyImportWrappingKey(rowless.id());
  }

  @Test
  void deletingAKeyDestroysTheWrappingKeysOfItsImportParameters() throws Exception {
    KeyMetadata k = ImportKeyMaterialTest.external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    List<String> before = ImportKeyMaterialTest.wrappingKeyIds();
    ImportKeyMaterialTest.parameters(k, AlgorithmSpec.RSAES_OAEP_SHA_1);
    ImportKeyMaterialTest.parameters(k, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_1);
    List<String> mine = ImportKeyMaterialTest.wrappingKeyIds().stream().filter(id -> !before.contains(id)).toList();
    assertThat(mine).as("two wrapping key pairs").hasSize(4);

    Trent.kms().scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(7));
    Trent.clock().advance(Duration.ofDays(7).plusMinutes(1));
    assertThat(Trent.server().runMaintenance().keysDestroyed()).isGreaterThanOrEqualTo(1);

    assertThat(ImportKeyMaterialTest.wrappingKeyIds()).doesNotContainAnyElementsOf(mine);
  }
}
