package io.trent.core.catalog;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.grant.GrantConstraints;
import io.trent.core.grant.GrantOperation;
import io.trent.core.grant.KmsGrant;
import io.trent.core.grant.StoredGrantCache;
import io.trent.core.key.Alias;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.SampleKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What another node changes in the shared store (here: written to the store directly, past this node's catalog)
 * is served by this node once the store tells it, and from the store itself while the store cannot tell changes.
 */
class CacheInvalidationTest {
  private final InMemoryMetadataStore store = new InMemoryMetadataStore();
  private final KeyCatalog catalog = new KeyCatalog(store, new ServiceIdentity("aws", "us-east-1", "111122223333"));
  private final StoredGrantCache grants = new StoredGrantCache(store);
  private final CacheInvalidation invalidation = new CacheInvalidation(catalog, grants);
  private final KmsKey key = SampleKeys.key("shared");

  @Test
  void aKeyChangedByAnotherNodeIsServedAsChangedOnceTold() {
    catalog.insertKey(key);
    assertThat(catalog.findKey("shared").orElseThrow().state()).isEqualTo(KeyState.Enabled);

    store.updateKey(key.withState(KeyState.Disabled, null, null));
    // Cached until told: this is what the notification is for.
    assertThat(catalog.findKey("shared").orElseThrow().state()).isEqualTo(KeyState.Enabled);
    invalidation.keyChanged("shared");
    assertThat(catalog.findKey("shared").orElseThrow().state()).isEqualTo(KeyState.Disabled);
  }

  @Test
  void aChangeToldWhileThisNodeWritesTheKeyLeavesNothingStaleCached() {
    catalog.insertKey(key);
    // Another node's change of the key is told while this node's write of it is in flight (it committed after).
    catalog.updateKey("shared", k -> {
      invalidation.keyChanged("shared");
      return k.withDescription("mine");
    });
    store.updateKey(key.withDescription("theirs"));
    assertThat(catalog.findKey("shared").orElseThrow().description()).isEqualTo("theirs");
  }

  @Test
  void anAliasDeletedOrRetargetedByAnotherNodeIsGoneOnceTold() {
    catalog.insertKey(key);
    KmsKey other = SampleKeys.key("other");
    catalog.insertKey(other);
    Alias alias = new Alias(SampleKeys.HOME, "alias/shared", "shared", T0, T0);
    Alias second = new Alias(SampleKeys.HOME, "alias/second", "shared", T0, T0);
    catalog.insertAlias(alias);
    catalog.insertAlias(second);
    assertThat(catalog.findAlias(SampleKeys.HOME, "alias/shared")).contains(alias);
    assertThat(catalog.findAlias(SampleKeys.HOME, "alias/second")).contains(second);

    store.deleteAlias(SampleKeys.HOME, "alias/shared");
    invalidation.aliasChanged(alias.arn().value());
    assertThat(catalog.findAlias(SampleKeys.HOME, "alias/shared")).isEmpty();

    // A deleted key takes its aliases with it: told of the key, the catalog drops them too.
    store.beginDestruction("shared", T0);
    store.deleteKey("shared", T0);
    invalidation.keyChanged("shared");
    assertThat(catalog.findAlias(SampleKeys.HOME, "alias/second")).isEmpty();
    assertThat(catalog.findKey("shared")).isEmpty();
  }

  @Test
  void aGrantRevokedByAnotherNodeStopsCountingOnceTold() {
    catalog.insertKey(key);
    KmsGrant grant = new KmsGrant("shared", "%064x".formatted(7), null, T0, "arn:aws:iam::111122223333:user/a", null,
        "arn:aws:iam::111122223333:root", List.of(GrantOperation.Decrypt), GrantConstraints.NONE);
    store.insertGrant(grant, 100);
    assertThat(grants.grantsOf("shared").all()).containsExactly(grant);

    store.deleteGrant("shared", grant.grantId());
    assertThat(grants.grantsOf("shared").all()).containsExactly(grant);
    invalidation.grantsChanged("shared");
    assertThat(grants.grantsOf("shared").all()).isEmpty();
  }

  @Test
  void whileChangesCannotBeToldEveryReadGoesToTheStoreAndResumingDropsTheCaches() {
    catalog.insertKey(key);
    catalog.findKey("shared");
    invalidation.interrupted();

    store.updateKey(key.withState(KeyState.Disabled, null, null));
    assertThat(catalog.findKey("shared").orElseThrow().state()).isEqualTo(KeyState.Disabled);
    store.updateKey(key);
    assertThat(catalog.findKey("shared").orElseThrow().state()).isEqualTo(KeyState.Enabled);
    KmsGrant grant = new KmsGrant("shared", "%064x".formatted(8), null, T0, "arn:aws:iam::111122223333:user/a", null,
        "arn:aws:iam::111122223333:root", List.of(GrantOperation.Decrypt), GrantConstraints.NONE);
    assertThat(grants.grantsOf("shared").all()).isEmpty();
    store.insertGrant(grant, 100);
    assertThat(grants.grantsOf("shared").all()).containsExactly(grant);
    // Not even this node's own writes are cached meanwhile.
    catalog.updateKey("shared", k -> k.withDescription("mine"));
    store.updateKey(key.withDescription("theirs"));
    assertThat(catalog.findKey("shared").orElseThrow().description()).isEqualTo("theirs");

    invalidation.resumed();
    assertThat(catalog.findKey("shared").orElseThrow().description()).isEqualTo("theirs");
    store.updateKey(key.withDescription("cached again"));
    assertThat(catalog.findKey("shared").orElseThrow().description()).isEqualTo("theirs");
  }
}
