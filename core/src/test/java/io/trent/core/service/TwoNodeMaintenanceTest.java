package io.trent.core.service;

import static io.trent.core.testing.Scopes.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.audit.InternalEvent;
import io.trent.core.audit.InternalEvents;
import io.trent.core.auth.Authorizer;
import io.trent.core.grant.StoredGrantCache;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.testing.FaultInjectingKeyBackend;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one store run scheduled work: each key's work is done once, by the node that claimed it, and only
 * that node records its event, even when one node lists a key as due while the other is doing its work.
 */
class TwoNodeMaintenanceTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FaultInjectingKeyBackend backend = new FaultInjectingKeyBackend();
  private final InMemoryMetadataStore store = new InMemoryMetadataStore();
  private final KmsServices nodeA = KmsServices.create(backend, store, IDENTITY, clock);
  private final KmsServices nodeB = KmsServices.create(backend, store, IDENTITY, clock);
  private final Recorded eventsA = new Recorded();
  private final Recorded eventsB = new Recorded();

  @Test
  void aKeyListedByBothNodesIsRotatedOnceAndItsEventRecordedOnce() {
    KmsKey key = newKey();
    nodeA.rotation().enableKeyRotation(ROOT, key.keyId(), 90);
    clock.advance(Duration.ofDays(91));

    // Node b rotates the key right after node a has listed it as due.
    store.afterNextMaintenanceQuery(() -> nodeB.maintenance().runDue(eventsB));
    MaintenanceService.Report byA = nodeA.maintenance().runDue(eventsA);

    assertThat(byA.keysRotated()).isZero();
    assertThat(eventsB.kinds()).containsExactly(InternalEvent.Kind.ROTATE_KEY);
    assertThat(eventsA.kinds()).isEmpty();
    assertThat(store.findKey(key.keyId()).orElseThrow().materials()).hasSize(2);
  }

  @Test
  void aKeyAnotherNodeIsDestroyingIsLeftToItUntilItsClaimLapses() {
    KmsKey key = newKey();
    nodeA.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7);
    clock.advance(Duration.ofDays(7));
    // Node b has begun destroying the key and holds the claim (it may be destroying the HSM objects now).
    Instant now = clock.instant();
    store.beginDestruction(key.keyId(), now);
    assertThat(store.claimWork("key:" + key.keyId(), "node-b", now, now.plus(WorkClaims.LEASE))).isTrue();

    assertThat(nodeA.maintenance().runDue(eventsA).keysDestroyed()).isZero();
    assertThat(eventsA.kinds()).isEmpty();
    assertThat(store.findKey(key.keyId())).isPresent();
    assertThat(backend.keyExists(key.currentMaterial().orElseThrow().id())).isTrue();

    // Node b died: once its claim lapsed, node a resumes the destruction, once.
    clock.advance(WorkClaims.LEASE);
    assertThat(nodeA.maintenance().runDue(eventsA).keysDestroyed()).isEqualTo(1);
    assertThat(nodeB.maintenance().runDue(eventsB).keysDestroyed()).isZero();
    assertThat(eventsA.kinds()).containsExactly(InternalEvent.Kind.DELETE_KEY);
    assertThat(eventsB.kinds()).isEmpty();
    assertThat(store.findKey(key.keyId())).isEmpty();
  }

  @Test
  void aNodeRestartedUnderItsNameResumesItsClaimAtOnceAndAnotherWaitsForTheLease() {
    KmsKey key = newKey();
    nodeA.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7);
    clock.advance(Duration.ofDays(7));
    // Node "a" died while destroying the key: its claim is in the store, under its name.
    Instant now = clock.instant();
    store.beginDestruction(key.keyId(), now);
    assertThat(store.claimWork("key:" + key.keyId(), "node:a", now, now.plus(WorkClaims.LEASE))).isTrue();

    assertThat(named("node:b").maintenance().runDue(eventsB).keysDestroyed()).isZero();
    assertThat(named("node:a").maintenance().runDue(eventsA).keysDestroyed()).isEqualTo(1);
    assertThat(eventsA.kinds()).containsExactly(InternalEvent.Kind.DELETE_KEY);
    assertThat(eventsB.kinds()).isEmpty();
    assertThat(store.findKey(key.keyId())).isEmpty();
  }

  @Test
  void aNodeLeavesNoClaimBehind() {
    KmsKey key = newKey();
    nodeA.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7);
    KmsKey rotating = newKey();
    nodeA.rotation().enableKeyRotation(ROOT, rotating.keyId(), 90);
    clock.advance(Duration.ofDays(91));

    nodeA.maintenance().runDue(eventsA);

    Instant now = clock.instant();
    assertThat(store.claimWork("key:" + key.keyId(), "another", now, now.plusSeconds(1))).isTrue();
    assertThat(store.claimWork("key:" + rotating.keyId(), "another", now, now.plusSeconds(1))).isTrue();
  }

  private KmsServices named(String node) {
    return KmsServiceFactory.create(backend, store, IDENTITY, clock, KmsPolicy.DEFAULT, Authorizer.ALLOW_ALL,
        new StoredGrantCache(store), node);
  }

  private KmsKey newKey() {
    return nodeA.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, null, null, null, false,
        null));
  }

  /** The internal events one node recorded. */
  private static final class Recorded implements InternalEvents {
    final List<InternalEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void checkWritable() {}

    @Override
    public void record(InternalEvent event) {
      events.add(event);
    }

    List<InternalEvent.Kind> kinds() {
      return events.stream().map(InternalEvent::kind).toList();
    }
  }
}
