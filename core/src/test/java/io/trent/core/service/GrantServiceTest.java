package io.trent.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.api.CreateGrantRequest;
import io.trent.core.api.CreateGrantResult;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.api.EncryptRequest;
import io.trent.core.auth.Authorizer;
import io.trent.core.auth.Caller;
import io.trent.core.auth.RequestScope;
import io.trent.core.error.AccessDeniedException;
import io.trent.core.error.DisabledException;
import io.trent.core.error.DryRunOperationException;
import io.trent.core.error.InvalidGrantIdException;
import io.trent.core.error.InvalidGrantTokenException;
import io.trent.core.error.LimitExceededException;
import io.trent.core.error.NotFoundException;
import io.trent.core.error.ValidationException;
import io.trent.core.grant.GrantConstraints;
import io.trent.core.grant.GrantOperation;
import io.trent.core.grant.GrantToken;
import io.trent.core.grant.GrantsInForce;
import io.trent.core.grant.KmsGrant;
import io.trent.core.grant.StoredGrantCache;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.Page;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.SoftwareKeyBackend;
import io.trent.policy.CompiledPolicy;
import io.trent.policy.Decision;
import io.trent.policy.DefaultKeyPolicy;
import io.trent.policy.KeyAccessEvaluator;
import io.trent.policy.PolicyParser;
import io.trent.policy.RequestContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The grant operations over the in-memory store, with an authorizer that evaluates the default key policy and
 * the key's grants as the server does: the root may do anything, Alice and Bob (no identity policies) only what
 * grants allow them.
 */
class GrantServiceTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private static final String ALICE = "arn:aws:iam::111122223333:user/alice";
  private static final String BOB = "arn:aws:iam::111122223333:user/bob";
  private static final CompiledPolicy KEY_POLICY =
      CompiledPolicy.compile(PolicyParser.parseKeyPolicy(DefaultKeyPolicy.text("111122223333")));

  private final InMemoryMetadataStore store = new InMemoryMetadataStore();
  private final StoredGrantCache cache = new StoredGrantCache(store);
  private final GrantsInForce inForce = new GrantsInForce(cache, store);
  private KmsServices kms;
  private KmsKey key;

  /** The server's evaluation with the default key policy and no identity policies. */
  private final class Evaluating implements Authorizer {
    @Override
    public void authorize(RequestScope scope, KmsKey k, String requested) {
      authorizeNamingGrant(scope, k, requested);
    }

    @Override
    public String authorizeNamingGrant(RequestScope scope, KmsKey k, String requested) {
      RequestContext.Builder b = RequestContext.builder().principal(scope.caller().principalArn(),
          scope.caller().accountId()).action(scope.action()).encryptionContext(scope.encryptionContext());
      scope.multiValuedKeys().forEach(b::keys);
      if (k == null) {
        RequestContext ctx = b.build();
        Decision d = KeyAccessEvaluator.evaluateIdentityOnly(List.of(), ctx);
        if (!d.allowed()) {
          throw new AccessDeniedException(d.accessDeniedMessage(ctx));
        }
        return null;
      }
      RequestContext ctx = b.resource(k.arn().value(), IDENTITY.accountId()).build();
      Decision d = KeyAccessEvaluator.evaluate(KEY_POLICY, List.of(),
          inForce.forRequest(k.keyId(), scope.caller().accountId(), scope.grantTokens()), ctx);
      if (!d.allowed()) {
        throw new AccessDeniedException(d.accessDeniedMessage(ctx));
      }
      return d.grantId();
    }
  }

  @BeforeEach
  void wire() {
    wire(KmsPolicy.DEFAULT);
  }

  private void wire(KmsPolicy policy) {
    kms = KmsServiceFactory.create(new SoftwareKeyBackend(), store, IDENTITY, Clock.systemUTC(), policy,
        new Evaluating(), cache);
    key = kms.keys().createKey(root("kms:CreateKey"), new CreateKeyRequest(null, "k", null, null, null, null, null,
        null, false, null));
  }

  private static RequestScope as(String principal, String action, Map<String, String> context, List<String> tokens) {
    Caller caller = new Caller("111122223333", principal, "AKIA" + principal.hashCode(), "us-east-1", false);
    return new RequestScope(caller, action, context, null, null, tokens);
  }

  private static RequestScope root(String action) {
    return new RequestScope(IDENTITY.rootCaller(), action, null, null);
  }

  private CreateGrantResult grant(RequestScope scope, String grantee, List<String> ops, Map<String, String> equals,
      Map<String, String> subset, String name) {
    return kms.grants().createGrant(scope, new CreateGrantRequest(key.keyId(), grantee, ops, null, equals, subset,
        null, name, false));
  }

  private CreateGrantResult grant(String grantee, String... ops) {
    return grant(root("kms:CreateGrant"), grantee, List.of(ops), null, null, null);
  }

  private void encryptAs(String principal, Map<String, String> context, List<String> tokens) {
    kms.crypto().encrypt(as(principal, "kms:Encrypt", context, tokens),
        new EncryptRequest(key.keyId(), new byte[] {1, 2, 3}, context, tokens, null, false));
  }

  @Test
  void aGrantAllowsAtOnceAndARevokedOneStopsOnTheNextRequest() {
    assertThatThrownBy(() -> encryptAs(ALICE, null, null)).isInstanceOf(AccessDeniedException.class);
    CreateGrantResult g = grant(ALICE, "Encrypt");
    encryptAs(ALICE, null, null);
    assertThatThrownBy(() -> encryptAs(BOB, null, null)).isInstanceOf(AccessDeniedException.class);

    kms.grants().revokeGrant(root("kms:RevokeGrant"), key.keyId(), g.grantId(), false);
    assertThatThrownBy(() -> encryptAs(ALICE, null, null)).isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void constraintsEqualsAndSubsetAllowOnlyMatchingContexts() {
    grant(root("kms:CreateGrant"), ALICE, List.of("Encrypt"), Map.of("app", "a"), null, null);
    grant(root("kms:CreateGrant"), BOB, List.of("Encrypt"), null, Map.of("app", "b"), null);

    encryptAs(ALICE, Map.of("app", "a"), null);
    assertThatThrownBy(() -> encryptAs(ALICE, Map.of("app", "a", "x", "y"), null))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> encryptAs(ALICE, null, null)).isInstanceOf(AccessDeniedException.class);

    encryptAs(BOB, Map.of("app", "b", "x", "y"), null);
    assertThatThrownBy(() -> encryptAs(BOB, Map.of("app", "B"), null)).isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void refusesOperationsThatDoNotFitAndCreateGrantAlone() {
    assertThatThrownBy(() -> grant(ALICE, "CreateGrant")).isInstanceOf(ValidationException.class)
        .hasMessage("Grants must not contain only the CreateGrant operation.");
    assertThatThrownBy(() -> grant(ALICE, "Sign", "Decrypt")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("[Sign]");
    assertThatThrownBy(() -> grant(ALICE, "Decrypt", "Fly")).isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("1 validation error detected: Value '[Decrypt, Fly]' at 'operations' failed to "
            + "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [Decrypt,");
    Map<String, String> nine = new java.util.HashMap<>();
    for (int i = 0; i < 9; i++) {
      nine.put("k" + i, "v");
    }
    assertThatThrownBy(() -> grant(root("kms:CreateGrant"), ALICE, List.of("Decrypt"), nine, null, null))
        .isInstanceOf(ValidationException.class).hasMessageContaining("constraints.encryptionContextEquals");
    assertThat(store.listGrantsOfKey(key.keyId())).isEmpty();
  }

  @Test
  void aNameMakesARetryIdempotent() {
    CreateGrantResult first = grant(root("kms:CreateGrant"), ALICE, List.of("Encrypt", "Decrypt"), null, null, "n");
    CreateGrantResult retry = grant(root("kms:CreateGrant"), ALICE, List.of("Decrypt", "Encrypt"), null, null, "n");
    CreateGrantResult other = grant(root("kms:CreateGrant"), ALICE, List.of("Decrypt"), null, null, "n");
    CreateGrantResult unnamed = grant(ALICE, "Encrypt", "Decrypt");

    assertThat(retry.grantId()).isEqualTo(first.grantId());
    assertThat(retry.grantToken()).isNotEqualTo(first.grantToken());
    assertThat(GrantToken.parse(retry.grantToken())).isEqualTo(GrantToken.parse(first.grantToken()));
    assertThat(other.grantId()).isNotEqualTo(first.grantId());
    assertThat(unnamed.grantId()).isNotIn(first.grantId(), other.grantId());
    assertThat(store.listGrantsOfKey(key.keyId())).hasSize(3);
  }

  @Test
  void theGrantsPerKeyLimitIsConfigurable() {
    wire(KmsPolicy.DEFAULT.withMaxGrantsPerKey(2));
    grant(ALICE, "Encrypt");
    CreateGrantResult second = grant(ALICE, "Decrypt");
    assertThatThrownBy(() -> grant(ALICE, "DescribeKey")).isInstanceOf(LimitExceededException.class);
    kms.grants().revokeGrant(root("kms:RevokeGrant"), key.keyId(), second.grantId(), false);
    grant(ALICE, "DescribeKey");
  }

  @Test
  void dryRunCreatesNothing() {
    assertThatThrownBy(() -> kms.grants().createGrant(root("kms:CreateGrant"), new CreateGrantRequest(key.keyId(),
        ALICE, List.of("Encrypt"), null, null, null, null, null, true))).isInstanceOf(DryRunOperationException.class);
    assertThat(store.listGrantsOfKey(key.keyId())).isEmpty();
  }

  @Test
  void aDisabledKeyTakesNoGrants() {
    kms.keys().disableKey(root("kms:DisableKey"), key.keyId());
    assertThatThrownBy(() -> grant(ALICE, "Encrypt")).isInstanceOf(DisabledException.class)
        .hasMessage(key.arn().value() + " is disabled.");
  }

  @Test
  void whoMayRetire() {
    CreateGrantResult byRetiring = kms.grants().createGrant(root("kms:CreateGrant"), new CreateGrantRequest(
        key.keyId(), ALICE, List.of("Encrypt"), BOB, null, null, null, null, false));
    CreateGrantResult selfRetiring = grant(ALICE, "Encrypt", "RetireGrant");
    CreateGrantResult notRetirable = grant(ALICE, "Encrypt");

    // Alice may not retire a grant that does not allow her RetireGrant, even holding one that does.
    assertThatThrownBy(() -> kms.grants().retireGrant(as(ALICE, "kms:RetireGrant", null, null), null, key.keyId(),
        notRetirable.grantId(), false)).isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> kms.grants().retireGrant(as(ALICE, "kms:RetireGrant", null, null),
        byRetiring.grantToken(), null, null, false)).isInstanceOf(AccessDeniedException.class);

    kms.grants().retireGrant(as(BOB, "kms:RetireGrant", null, null), byRetiring.grantToken(), null, null, false);
    kms.grants().retireGrant(as(ALICE, "kms:RetireGrant", null, null), null, key.arn().value(),
        selfRetiring.grantId(), false);
    // The issuing account's root retires any.
    kms.grants().retireGrant(root("kms:RetireGrant"), null, key.keyId(), notRetirable.grantId(), false);
    assertThat(store.listGrantsOfKey(key.keyId())).isEmpty();

    assertThatThrownBy(() -> kms.grants().retireGrant(root("kms:RetireGrant"), byRetiring.grantToken(), null, null,
        false)).isInstanceOf(InvalidGrantTokenException.class);
    assertThatThrownBy(() -> kms.grants().revokeGrant(root("kms:RevokeGrant"), key.keyId(), notRetirable.grantId(),
        false)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> kms.grants().revokeGrant(root("kms:RevokeGrant"), key.keyId(), "not-an-id", false))
        .isInstanceOf(InvalidGrantIdException.class);
  }

  @Test
  void aGrantsCreateGrantOnlyMakesNarrowerGrants() {
    grant(root("kms:CreateGrant"), ALICE, List.of("Encrypt", "Decrypt", "CreateGrant"), null, Map.of("a", "1"), null);
    RequestScope alice = as(ALICE, "kms:CreateGrant", null, null);

    assertThatThrownBy(() -> grant(alice, BOB, List.of("Encrypt", "DescribeKey"), null, Map.of("a", "1"), null))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> grant(alice, BOB, List.of("Encrypt"), null, null, null))
        .isInstanceOf(AccessDeniedException.class);
    grant(alice, BOB, List.of("Encrypt"), null, Map.of("a", "1", "b", "2"), null);
    grant(alice, BOB, List.of("Decrypt"), Map.of("a", "1"), null, null);
    encryptAs(BOB, Map.of("a", "1", "b", "2"), null);
  }

  @Test
  void aTokenHonoursAGrantThisNodeHasNotCachedAndRefusesUnknownOnes() {
    assertThatThrownBy(() -> encryptAs(ALICE, null, null)).isInstanceOf(AccessDeniedException.class); // cached: none
    // Another node sharing the store creates a grant; this node's cache has not heard of it.
    KmsGrant elsewhere = new KmsGrant(key.keyId(), GrantToken.newGrantId(), null, Clock.systemUTC().instant(), ALICE,
        null, "arn:aws:iam::111122223333:root", List.of(GrantOperation.Encrypt), GrantConstraints.NONE);
    store.insertGrant(elsewhere, 10);
    String token = new GrantToken(key.keyId(), elsewhere.grantId()).encode();

    encryptAs(ALICE, null, List.of(token));

    assertThatThrownBy(() -> encryptAs(ALICE, null, List.of("bm90IGEgdG9rZW4=")))
        .isInstanceOf(InvalidGrantTokenException.class).hasMessage("The specified grant token is not valid.");
    String unknown = new GrantToken(key.keyId(), GrantToken.newGrantId()).encode();
    assertThatThrownBy(() -> encryptAs(ALICE, null, List.of(unknown))).isInstanceOf(InvalidGrantTokenException.class);
  }

  @Test
  void listGrantsPagesAndFilters() {
    CreateGrantResult a = grant(ALICE, "Encrypt");
    CreateGrantResult b = grant(BOB, "Encrypt");
    CreateGrantResult c = grant(ALICE, "Decrypt");

    Page<KmsGrant> first = kms.grants().listGrants(root("kms:ListGrants"), key.keyId(), 2, null, null, null);
    assertThat(first.items()).extracting(KmsGrant::grantId).containsExactly(a.grantId(), b.grantId());
    Page<KmsGrant> rest = kms.grants().listGrants(root("kms:ListGrants"), key.keyId(), 2, first.nextMarker(), null,
        null);
    assertThat(rest.items()).extracting(KmsGrant::grantId).containsExactly(c.grantId());
    assertThat(kms.grants().listGrants(root("kms:ListGrants"), key.keyId(), null, null, null, ALICE).items())
        .extracting(KmsGrant::grantId).containsExactly(a.grantId(), c.grantId());
    assertThatThrownBy(() -> kms.grants().listGrants(as(ALICE, "kms:ListGrants", null, null), key.keyId(), null,
        null, null, null)).isInstanceOf(AccessDeniedException.class);
  }
}
