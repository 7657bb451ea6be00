package io.trent.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.auth.Caller;
import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.auth.RequestScope;
import io.trent.core.error.InvalidArnException;
import io.trent.core.error.KmsException;
import io.trent.core.error.LimitExceededException;
import io.trent.core.error.MalformedPolicyDocumentException;
import io.trent.core.error.NotFoundException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.MutableClock;
import io.trent.core.testing.SoftwareKeyBackend;
import io.trent.policy.DefaultKeyPolicy;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Key policies as data: the default, CreateKey's Policy, Put/Get/ListKeyPolicies, validation and lockout. */
class KeyPolicyServiceTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private static final String ROOT = "arn:aws:iam::111122223333:root";
  private static final String ALICE = "arn:aws:iam::111122223333:user/alice";
  // The services' authorizer here allows everything: these tests are about the policy as data and the lockout check.
  private static final RequestScope AS_ROOT = new RequestScope(IDENTITY.rootCaller(), "kms:*", null, null);
  private static final RequestScope AS_ALICE =
      new RequestScope(new Caller("111122223333", ALICE, "AKIAALICE", "us-east-1", false), "kms:*", null, null);
  /** Delegates the key to the account's IAM policies only: alice has no IAM policy allowing PutKeyPolicy. */
  private static final String ACCOUNT_ONLY = policy(ROOT, "kms:*");
  /** Odd but valid whitespace, which GetKeyPolicy must give back byte for byte. */
  private static final String SPACED = "{ \"Version\":\"2012-10-17\",\n\t\"Statement\" : [{\"Sid\":\"Key admins\","
      + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ALICE + "\"},\"Action\":[\"kms:*\"],\"Resource\":\"*\"}]  }\r\n";

  private final InMemoryMetadataStore store = new InMemoryMetadataStore();
  private final KmsServices kms = KmsServices.create(new SoftwareKeyBackend(), store, IDENTITY,
      new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));

  private static String policy(String principal, String action) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + principal
        + "\"},\"Action\":\"" + action + "\",\"Resource\":\"*\"}]}";
  }

  private static CreateKeyRequest create(String policy, boolean bypass) {
    return new CreateKeyRequest(policy, null, null, null, null, null, null, null, false, null, bypass);
  }

  private KmsKey newKey() {
    return kms.keys().createKey(AS_ROOT, create(null, false));
  }

  @Test
  void aKeyCreatedWithoutAPolicyHasTheAccountsDefaultKeyPolicy() {
    KmsKey key = newKey();

    assertThat(key.policy()).isEqualTo(DefaultKeyPolicy.text("111122223333"));
    assertThat(kms.keyPolicies().getKeyPolicy(AS_ROOT, key.keyId(), null)).isEqualTo(DefaultKeyPolicy.text("111122223333"));
    assertThat(store.findKey(key.keyId()).orElseThrow().policy()).isEqualTo(DefaultKeyPolicy.text("111122223333"));
  }

  @Test
  void createKeyStoresTheGivenPolicyExactly() {
    KmsKey key = kms.keys().createKey(AS_ALICE, create(SPACED, false));

    assertThat(kms.keyPolicies().getKeyPolicy(AS_ROOT, key.keyId(), "default")).isEqualTo(SPACED);
  }

  @Test
  void putThenGetReturnsTheExactText() {
    KmsKey key = newKey();

    kms.keyPolicies().putKeyPolicy(AS_ALICE, key.keyId(), "default", SPACED, false);
    assertThat(kms.keyPolicies().getKeyPolicy(AS_ROOT, IDENTITY.home().keyArn(key.keyId()).value(), null)).isEqualTo(SPACED);
    kms.keyPolicies().putKeyPolicy(AS_ROOT, key.keyId(), null, ACCOUNT_ONLY, false);
    assertThat(kms.keyPolicies().getKeyPolicy(AS_ROOT, key.keyId(), "default")).isEqualTo(ACCOUNT_ONLY);
    assertThat(kms.keys().describeKey(AS_ROOT, key.keyId()).policy()).isEqualTo(ACCOUNT_ONLY);
  }

  @Test
  void onlyThePolicyNamedDefaultExists() {
    KmsKey key = newKey();

    assertThatThrownBy(() -> kms.keyPolicies().getKeyPolicy(AS_ROOT, key.keyId(), "other"))
        .isInstanceOf(NotFoundException.class).hasMessage("No such policy exists");
    assertThatThrownBy(() -> kms.keyPolicies().putKeyPolicy(AS_ROOT, key.keyId(), "other", ACCOUNT_ONLY, false))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> kms.keyPolicies().getKeyPolicy(AS_ROOT, key.keyId(), "not-a-word"))
        .isInstanceOf(ValidationException.class)
        .hasMessage("1 validation error detected: Value 'not-a-word' at 'policyName' failed to satisfy constraint: "
            + "Member must satisfy regular expression pattern: [\\w]+");
    assertThat(kms.keyPolicies().listKeyPolicies(AS_ROOT, key.keyId(), null, null).items()).containsExactly("default");
    assertThat(kms.keyPolicies().listKeyPolicies(AS_ROOT, key.keyId(), 1, null).truncated()).isFalse();
  }

  @Test
  void aMalformedDocumentIsRefusedWithTheParsersMessage() {
    KmsKey key = newKey();
    String noVersion = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROOT
        + "\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";

    assertThatThrownBy(() -> kms.keyPolicies().putKeyPolicy(AS_ROOT, key.keyId(), null, noVersion, false))
        .isInstanceOf(MalformedPolicyDocumentException.class)
        .hasMessage("Policy document must be version 2012-10-17 or greater.");
    // KMS answers a document that is not JSON with an empty message.
    assertThatThrownBy(() -> kms.keyPolicies().putKeyPolicy(AS_ROOT, key.keyId(), null, "not json", false))
        .isInstanceOf(MalformedPolicyDocumentException.class)
        .extracting(e -> ((KmsException) e).awsMessage()).isEqualTo("");
    assertThatThrownBy(() -> kms.keys().createKey(AS_ROOT, create("{\"Version\":\"2012-10-17\"}", false)))
        .isInstanceOf(MalformedPolicyDocumentException.class);
    assertThat(kms.keys().listKeys(AS_ROOT, null, null).items()).hasSize(1);
    assertThat(kms.keyPolicies().getKeyPolicy(AS_ROOT, key.keyId(), null)).isEqualTo(DefaultKeyPolicy.text("111122223333"));
  }

  @Test
  void aPolicyOver32KibIsLimitExceeded() {
    KmsKey key = newKey();
    String padded = ACCOUNT_ONLY.replace("\"Version\"", " ".repeat(32_768 - ACCOUNT_ONLY.length() + 1) + "\"Version\"");

    assertThatThrownBy(() -> kms.keyPolicies().putKeyPolicy(AS_ROOT, key.keyId(), null, padded, false))
        .isInstanceOf(LimitExceededException.class);
    String exact = ACCOUNT_ONLY.replace("\"Version\"", " ".repeat(32_768 - ACCOUNT_ONLY.length()) + "\"Version\"");
    kms.keyPolicies().putKeyPolicy(AS_ROOT, key.keyId(), null, exact, false);
    assertThat(kms.keyPolicies().getKeyPolicy(AS_ROOT, key.keyId(), null)).hasSize(32_768);
  }

  @Test
  void aPolicyThatWouldLockTheCallerOutIsRefusedUnlessBypassed() {
    KmsKey key = newKey();
    String lockout = "The new key policy will not allow you to update the key policy in the future.";

    assertThatThrownBy(() -> kms.keyPolicies().putKeyPolicy(AS_ALICE, key.keyId(), null, ACCOUNT_ONLY, false))
        .isInstanceOf(MalformedPolicyDocumentException.class).hasMessage(lockout);
    assertThatThrownBy(() -> kms.keys().createKey(AS_ALICE, create(ACCOUNT_ONLY, false)))
        .isInstanceOf(MalformedPolicyDocumentException.class).hasMessage(lockout);
    // A policy that allows only someone else PutKeyPolicy locks out even the account root.
    assertThatThrownBy(() -> kms.keyPolicies().putKeyPolicy(AS_ROOT, key.keyId(), null, SPACED, false))
        .isInstanceOf(MalformedPolicyDocumentException.class).hasMessage(lockout);

    kms.keyPolicies().putKeyPolicy(AS_ALICE, key.keyId(), null, ACCOUNT_ONLY, true);
    assertThat(kms.keyPolicies().getKeyPolicy(AS_ROOT, key.keyId(), null)).isEqualTo(ACCOUNT_ONLY);
    assertThat(kms.keys().createKey(AS_ALICE, create(ACCOUNT_ONLY, true)).policy()).isEqualTo(ACCOUNT_ONLY);
  }

  @Test
  void theCallersIdentityPolicyCountsWhenTheKeyPolicyDelegatesToTheAccount() {
    KmsKey key = newKey();
    store.putPrincipal(new Principal(PrincipalArn.parse(ALICE),
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:PutKeyPolicy\",\"Resource\":\"*\"}]}",
        Instant.parse("2026-01-01T00:00:00Z")));

    kms.keyPolicies().putKeyPolicy(AS_ALICE, key.keyId(), null, ACCOUNT_ONLY, false);
    assertThat(kms.keyPolicies().getKeyPolicy(AS_ROOT, key.keyId(), null)).isEqualTo(ACCOUNT_ONLY);
  }

  @Test
  void anIdentityPolicyTheParserRefusesAllowsNothing() {
    KmsKey key = newKey();
    store.putPrincipal(new Principal(PrincipalArn.parse(ALICE), "{\"Statement\":[]}", Instant.parse("2026-01-01T00:00:00Z")));

    assertThatThrownBy(() -> kms.keyPolicies().putKeyPolicy(AS_ALICE, key.keyId(), null, ACCOUNT_ONLY, false))
        .isInstanceOf(MalformedPolicyDocumentException.class)
        .hasMessage("The new key policy will not allow you to update the key policy in the future.");
  }

  @Test
  void keyPoliciesWorkInEveryKeyStateButTakeNoAlias() {
    KmsKey key = newKey();
    kms.aliases().createAlias(AS_ROOT, "alias/policy", key.keyId());
    kms.keys().disableKey(AS_ROOT, key.keyId());
    kms.keys().scheduleKeyDeletion(AS_ROOT, key.keyId(), 7);
    assertThat(kms.keys().describeKey(AS_ROOT, key.keyId()).state()).isEqualTo(KeyState.PendingDeletion);

    kms.keyPolicies().putKeyPolicy(AS_ROOT, key.keyId(), null, ACCOUNT_ONLY, false);
    assertThat(kms.keyPolicies().getKeyPolicy(AS_ROOT, key.keyId(), null)).isEqualTo(ACCOUNT_ONLY);
    assertThat(kms.keyPolicies().listKeyPolicies(AS_ROOT, key.keyId(), null, null).items()).containsExactly("default");

    assertThatThrownBy(() -> kms.keyPolicies().getKeyPolicy(AS_ROOT, "alias/policy", null))
        .isInstanceOf(InvalidArnException.class);
  }

  @Test
  void theShapeIsCheckedBeforeTheKeyAndTheKeyBeforeTheDocument() {
    String unknown = "00000000-0000-0000-0000-000000000000";

    assertThatThrownBy(() -> kms.keyPolicies().putKeyPolicy(AS_ROOT, unknown, null, null, false))
        .isInstanceOf(ValidationException.class)
        .hasMessage("1 validation error detected: Value null at 'policy' failed to satisfy constraint: "
            + "Member must not be null");
    assertThatThrownBy(() -> kms.keyPolicies().putKeyPolicy(AS_ROOT, unknown, null, "not json", false))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> kms.keyPolicies().listKeyPolicies(AS_ROOT, unknown, 0, null))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> kms.keyPolicies().listKeyPolicies(AS_ROOT, unknown, 1000, null))
        .isInstanceOf(NotFoundException.class);
  }
}
