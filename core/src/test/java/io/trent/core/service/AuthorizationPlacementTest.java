package io.trent.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.api.DecryptRequest;
import io.trent.core.api.EncryptRequest;
import io.trent.core.api.GenerateDataKeyRequest;
import io.trent.core.api.ReEncryptRequest;
import io.trent.core.auth.Authorizer;
import io.trent.core.auth.Caller;
import io.trent.core.auth.RequestScope;
import io.trent.core.error.AccessDeniedException;
import io.trent.core.error.NotFoundException;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.KeyBackend;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.SoftwareKeyBackend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where the authorization decision sits in every operation: after the key is resolved (an unknown key is
 * NotFoundException without asking the authorizer), and before key state, key usage and any HSM work.
 */
class AuthorizationPlacementTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private static final Caller ALICE = new Caller("111122223333", "arn:aws:iam::111122223333:user/alice", "AKIAALICE",
      "us-east-1", false);

  private final AtomicInteger hsmCalls = new AtomicInteger();
  private final List<String> asked = new ArrayList<>();
  private boolean deny;
  private KmsServices kms;

  @BeforeEach
  void wire() {
    SoftwareKeyBackend software = new SoftwareKeyBackend();
    KeyBackend counting = (KeyBackend) Proxy.newProxyInstance(KeyBackend.class.getClassLoader(),
        new Class<?>[] {KeyBackend.class}, (proxy, method, args) -> {
          if (method.getDeclaringClass() != Object.class) {
            hsmCalls.incrementAndGet();
          }
          try {
            return method.invoke(software, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Authorizer fake = (scope, key, requested) -> {
      asked.add(scope.action() + " " + (key == null ? "*" : key.keyId()));
      if (deny) {
        throw new AccessDeniedException("denied " + scope.action());
      }
    };
    kms = KmsServices.create(counting, new InMemoryMetadataStore(), IDENTITY, Clock.systemUTC(), KmsPolicy.DEFAULT, fake);
  }

  private static RequestScope scope(String action) {
    return new RequestScope(ALICE, action, null, null);
  }

  private KmsKey newKey() {
    return kms.keys().createKey(scope("kms:CreateKey"),
        new CreateKeyRequest(null, "test", null, null, null, null, null, null, false, null));
  }

  private void denyFromNowOn() {
    deny = true;
    asked.clear();
    hsmCalls.set(0);
  }

  @Test
  void aDeniedRequestOnADisabledKeyIsAccessDeniedNotDisabled() {
    KmsKey key = newKey();
    kms.keys().disableKey(scope("kms:DisableKey"), key.keyId());
    denyFromNowOn();

    assertThatThrownBy(() -> kms.crypto().encrypt(scope("kms:Encrypt"),
        new EncryptRequest(key.keyId(), new byte[] {1}, null, null, null, false)))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(asked).containsExactly("kms:Encrypt " + key.keyId());
    assertThat(hsmCalls).hasValue(0);
  }

  @Test
  void aDeniedGenerateDataKeyDoesNoHsmWork() {
    KmsKey key = newKey();
    denyFromNowOn();

    assertThatThrownBy(() -> kms.dataKeys().generateDataKey(scope("kms:GenerateDataKey"),
        new GenerateDataKeyRequest(key.keyId(), "AES_256", null, null, null, false)))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(hsmCalls).hasValue(0);
  }

  @Test
  void anUnknownKeyIsNotFoundBeforeTheAuthorizerIsAsked() {
    denyFromNowOn();

    assertThatThrownBy(() -> kms.keys().describeKey(scope("kms:DescribeKey"), "1234abcd-12ab-34cd-56ef-1234567890ab"))
        .isInstanceOf(NotFoundException.class);
    assertThat(asked).isEmpty();
  }

  @Test
  void decryptIsAuthorizedOnTheCiphertextsKeyBeforeDecrypting() {
    KmsKey key = newKey();
    byte[] blob = kms.crypto().encrypt(scope("kms:Encrypt"),
        new EncryptRequest(key.keyId(), new byte[] {1}, null, null, null, false)).ciphertextBlob();
    denyFromNowOn();

    assertThatThrownBy(() -> kms.crypto().decrypt(scope("kms:Decrypt"), new DecryptRequest(blob, null, null, null, null,
        false))).isInstanceOf(AccessDeniedException.class);
    assertThat(asked).containsExactly("kms:Decrypt " + key.keyId());
    assertThat(hsmCalls).hasValue(0);
  }

  @Test
  void reEncryptAsksReEncryptFromOnTheSourceAndReEncryptToOnTheDestination() {
    KmsKey source = newKey();
    KmsKey destination = newKey();
    byte[] blob = kms.crypto().encrypt(scope("kms:Encrypt"),
        new EncryptRequest(source.keyId(), new byte[] {1}, null, null, null, false)).ciphertextBlob();
    asked.clear();

    kms.crypto().reEncrypt(scope("kms:ReEncryptFrom"), new ReEncryptRequest(blob, null, null, destination.keyId(), null,
        null, null, null, false));
    assertThat(asked).containsExactly("kms:ReEncryptFrom " + source.keyId(), "kms:ReEncryptTo " + destination.keyId());
  }

  @Test
  void theKeyPolicyOperationsAreAuthorizedOnTheKeyBeforeTheDocumentIsChecked() {
    KmsKey key = newKey();
    denyFromNowOn();

    // "not json" would be MalformedPolicyDocumentException: the denial comes first, and nothing is stored.
    assertThatThrownBy(() -> kms.keyPolicies().putKeyPolicy(scope("kms:PutKeyPolicy"), key.keyId(), null, "not json",
        false)).isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> kms.keyPolicies().getKeyPolicy(scope("kms:GetKeyPolicy"), key.keyId(), null))
        .isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> kms.keyPolicies().listKeyPolicies(scope("kms:ListKeyPolicies"), key.keyId(), null, null))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(asked).containsExactly("kms:PutKeyPolicy " + key.keyId(), "kms:GetKeyPolicy " + key.keyId(),
        "kms:ListKeyPolicies " + key.keyId());
    deny = false;
    assertThat(kms.keyPolicies().getKeyPolicy(scope("kms:GetKeyPolicy"), key.keyId(), null)).isEqualTo(key.policy());
  }

  @Test
  void accountLevelActionsAreAuthorizedWithoutAKeyBeforeAnyWork() {
    denyFromNowOn();

    assertThatThrownBy(this::newKey).isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> kms.keys().listKeys(scope("kms:ListKeys"), null, null))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(asked).containsExactly("kms:CreateKey *", "kms:ListKeys *");
    assertThat(hsmCalls).hasValue(0);
  }

  @Test
  void aBareKeyIdOfAnotherAccountsCallerIsNotFoundInItsOwnAccount() {
    KmsKey key = newKey();
    asked.clear();
    Caller stranger = new Caller("444455556666", "arn:aws:iam::444455556666:user/x", "AKIAX", "us-east-1", false);
    RequestScope scope = new RequestScope(stranger, "kms:DescribeKey", null, null);

    assertThatThrownBy(() -> kms.keys().describeKey(scope, key.keyId()))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("Key 'arn:aws:kms:us-east-1:444455556666:key/" + key.keyId() + "' does not exist");
    assertThat(asked).isEmpty();
    kms.keys().describeKey(scope, IDENTITY.home().keyArn(key.keyId()).value());
    assertThat(asked).containsExactly("kms:DescribeKey " + key.keyId());
    assertThat(kms.keys().listKeys(new RequestScope(stranger, "kms:ListKeys", null, null), null, null).items()).isEmpty();
  }
}
