package io.trent.core.spi.contract;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.grant.GrantConstraints;
import io.trent.core.grant.GrantOperation;
import io.trent.core.grant.KmsGrant;
import io.trent.core.key.Alias;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.ChangeListener;
import io.trent.core.testing.SampleKeys;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Changes told to listeners ({@code MetadataStore.changes}): a store shared by several nodes tells every change
 * committed through any store of the database; one that only its own process writes tells nothing at all (and
 * never interrupts, so caches stay on).
 */
interface ChangeContract extends StoreUnderTest {
  /** How long a told change may take here: PostgreSQL delivers in milliseconds, a loaded test machine is slower. */
  Duration DELIVERY = Duration.ofSeconds(30);

  @Test
  default void everyChangeThroughAnotherStoreIsToldOrNothingIs() throws Exception {
    Recorder told = new Recorder();
    try (AutoCloseable handle = store().changes(told)) {
      KmsKey key = SampleKeys.key("told-key");
      peer().insertKey(key);
      peer().updateKey(key.withDescription("changed"));
      Alias alias = new Alias(SampleKeys.HOME, "alias/told", key.keyId(), T0, T0);
      peer().insertAlias(alias);
      peer().updateAlias(new Alias(SampleKeys.HOME, "alias/told", key.keyId(), T0, T0.plusSeconds(1)));
      peer().deleteAlias(SampleKeys.HOME, "alias/told");
      KmsGrant grant = new KmsGrant(key.keyId(), "%064x".formatted(1), null, T0, "arn:aws:iam::111122223333:user/a",
          null, "arn:aws:iam::111122223333:root", List.of(GrantOperation.Decrypt), GrantConstraints.NONE);
      peer().insertGrant(grant, 100);
      peer().deleteGrant(key.keyId(), grant.grantId());
      peer().putPrincipal(new Principal(PrincipalArn.parse("arn:aws:iam::111122223333:user/a"), null, T0));
      peer().updateKey(key.withState(KeyState.PendingDeletion, T0, 7));
      peer().beginDestruction(key.keyId(), T0);
      peer().deleteKey(key.keyId(), T0);
      // Not a change: nothing to tell.
      peer().deleteAlias(SampleKeys.HOME, "alias/never-was");

      if (!tellsChanges()) {
        peer().checkAvailable();
        assertThat(told.calls).isEmpty();
        return;
      }
      String aliasArn = alias.arn().value();
      List<String> expected = List.of("key told-key", "alias " + aliasArn, "alias " + aliasArn, "alias " + aliasArn,
          "grants told-key", "grants told-key", "principals", "key told-key", "key told-key", "key told-key");
      for (String call : expected) {
        assertThat(told.calls.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS)).as("told after " + call)
            .isEqualTo(call);
      }
    }
  }

  @Test
  default void aClosedHandleTellsNothingMore() throws Exception {
    Recorder told = new Recorder();
    Recorder stillListening = new Recorder();
    try (AutoCloseable other = store().changes(stillListening)) {
      store().changes(told).close();
      KmsKey key = SampleKeys.key("after-close");
      peer().insertKey(key);
      peer().updateKey(key.withDescription("changed"));
      if (tellsChanges()) {
        assertThat(stillListening.calls.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("key after-close");
      }
      assertThat(told.calls).isEmpty();
    }
  }

  /** Records each call as one line. */
  final class Recorder implements ChangeListener {
    final BlockingQueue<String> calls = new LinkedBlockingQueue<>();

    @Override
    public void keyChanged(String keyId) {
      calls.add("key " + keyId);
    }

    @Override
    public void aliasChanged(String aliasArn) {
      calls.add("alias " + aliasArn);
    }

    @Override
    public void grantsChanged(String keyId) {
      calls.add("grants " + keyId);
    }

    @Override
    public void principalsChanged() {
      calls.add("principals");
    }

    @Override
    public void interrupted() {
      calls.add("interrupted");
    }

    @Override
    public void resumed() {
      calls.add("resumed");
    }
  }
}
