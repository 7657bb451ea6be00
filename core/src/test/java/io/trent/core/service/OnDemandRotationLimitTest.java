package io.trent.core.service;

import static io.trent.core.testing.Scopes.ROOT;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.error.LimitExceededException;
import io.trent.core.key.KmsKey;
import io.trent.core.key.RotationType;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.testing.FaultInjectingKeyBackend;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.MutableClock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** RotateKeyOnDemand's per-key limit: a policy setting, stored with the key, and not raced past. */
class OnDemandRotationLimitTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FaultInjectingKeyBackend backend = new FaultInjectingKeyBackend();
  private final InMemoryMetadataStore store = new InMemoryMetadataStore();

  private KmsServices kms(int limit) {
    return KmsServices.create(backend, store, IDENTITY, clock, KmsPolicy.DEFAULT.withMaxOnDemandRotations(limit));
  }

  private static String limitMessage(KmsKey key) {
    return "The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be "
        + "performed for this key: " + IDENTITY.home().keyArn(key.keyId()).value();
  }

  @Test
  void theDefaultIsAwsCurrentLimitOf25() {
    assertThat(KmsPolicy.DEFAULT.maxOnDemandRotations()).isEqualTo(25);
  }

  @Test
  void theConfiguredLimitHoldsAcrossARestart() {
    KmsServices kms = kms(10);
    KmsKey key = kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, null, null, null, false, null));
    for (int i = 0; i < 10; i++) {
      kms.rotation().rotateKeyOnDemand(ROOT, key.keyId());
    }
    assertThatThrownBy(() -> kms.rotation().rotateKeyOnDemand(ROOT, key.keyId()))
        .isInstanceOf(LimitExceededException.class).hasMessage(limitMessage(key));

    // A new server over the same metadata counts on.
    KmsServices restarted = kms(10);
    assertThatThrownBy(() -> restarted.rotation().rotateKeyOnDemand(ROOT, key.keyId()))
        .isInstanceOf(LimitExceededException.class).hasMessage(limitMessage(key));
    assertThat(restarted.rotation().listKeyRotations(ROOT, key.keyId(), null, null).rotations().items())
        .hasSize(10).allSatisfy(m -> assertThat(m.rotationType()).isEqualTo(RotationType.ON_DEMAND));
  }

  @Test
  void twoConcurrentRotationsCannotBothTakeTheLastOne() {
    KmsServices kms = kms(1);
    KmsKey key = kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, null, null, null, false, null));
    AtomicReference<String> inner = new AtomicReference<>();
    // The first request has passed the limit check and is generating its material when the second arrives.
    backend.beforeNextKeyGeneration(() -> inner.set(kms.rotation().rotateKeyOnDemand(ROOT, key.keyId())));
    assertThatThrownBy(() -> kms.rotation().rotateKeyOnDemand(ROOT, key.keyId()))
        .isInstanceOf(LimitExceededException.class).hasMessage(limitMessage(key));
    assertThat(inner.get()).isEqualTo(IDENTITY.home().keyArn(key.keyId()).value());
    KmsKey stored = store.findKey(key.keyId()).orElseThrow();
    assertThat(stored.onDemandRotations()).isEqualTo(1);
    assertThat(stored.materials()).hasSize(2);
    assertThat(stored.materials()).allSatisfy(m -> assertThat(backend.keyExists(m.id())).isTrue());
  }
}
