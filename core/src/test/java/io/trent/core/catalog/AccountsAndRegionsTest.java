package io.trent.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.api.DecryptRequest;
import io.trent.core.api.EncryptRequest;
import io.trent.core.auth.Authorizer;
import io.trent.core.auth.Caller;
import io.trent.core.auth.RequestScope;
import io.trent.core.error.AccessDeniedException;
import io.trent.core.error.NotFoundException;
import io.trent.core.key.Alias;
import io.trent.core.key.Arn;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.SoftwareKeyBackend;
import io.trent.policy.DefaultKeyPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keys and aliases belong to the account of the caller that created them and the region of the request:
 * key ids and alias names resolve within the caller's account and region, another region's key is not
 * found, and another account's key is reachable only by key ARN or alias ARN, with the authorizer asked
 * on the key (whose account is the resource account).
 */
class AccountsAndRegionsTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private static final Caller EAST = new Caller("111122223333", "arn:aws:iam::111122223333:user/alice", "AKIAALICE",
      "us-east-1", false);
  private static final Caller WEST = EAST.inRegion("us-west-2");
  private static final Caller OTHER = new Caller("444455556666", "arn:aws:iam::444455556666:user/bob", "AKIABOB",
      "us-east-1", false);

  private final List<String> asked = new ArrayList<>();
  private KmsServices kms;

  @BeforeEach
  void wire() {
    Authorizer recording = new Authorizer() {
      @Override
      public void authorize(RequestScope scope, KmsKey key, String requestedKeyId) {
        asked.add(scope.action() + " " + (key == null ? "*" : key.arn().value()));
      }

      @Override
      public void authorizeResource(RequestScope scope, Arn resource) {
        asked.add(scope.action() + " " + resource.value());
      }
    };
    kms = KmsServices.create(new SoftwareKeyBackend(), new InMemoryMetadataStore(), IDENTITY, Clock.systemUTC(),
        KmsPolicy.DEFAULT, recording);
  }

  private static RequestScope as(Caller caller, String action) {
    return new RequestScope(caller, action, null, null);
  }

  private KmsKey newKey(Caller caller) {
    return kms.keys().createKey(as(caller, "kms:CreateKey"),
        new CreateKeyRequest(null, "", null, null, null, null, null, null, false, null));
  }

  @Test
  void aKeyBelongsToTheCallersAccountAndTheRequestsRegion() {
    KmsKey west = newKey(WEST);
    KmsKey other = newKey(OTHER);

    assertThat(west.arn().value()).isEqualTo("arn:aws:kms:us-west-2:111122223333:key/" + west.keyId());
    assertThat(other.arn().value()).isEqualTo("arn:aws:kms:us-east-1:444455556666:key/" + other.keyId());
    assertThat(other.accountId()).isEqualTo("444455556666");
    // The default key policy names the root of the key's own account.
    assertThat(other.policy()).isEqualTo(DefaultKeyPolicy.text("aws", "444455556666"));
    assertThat(kms.keys().describeKey(as(WEST, "kms:DescribeKey"), west.keyId())).isEqualTo(west);
  }

  @Test
  void anotherRegionsKeyIsNotFoundByIdAndInvalidArnByArn() {
    KmsKey west = newKey(WEST);
    asked.clear();

    assertThatThrownBy(() -> kms.keys().describeKey(as(EAST, "kms:DescribeKey"), west.keyId()))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("Key 'arn:aws:kms:us-east-1:111122223333:key/" + west.keyId() + "' does not exist");
    assertThatThrownBy(() -> kms.keys().describeKey(as(EAST, "kms:DescribeKey"), west.arn().value()))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("Invalid arn us-west-2");
    assertThat(asked).isEmpty();
  }

  @Test
  void anotherAccountsKeyIsReachableOnlyByArnAndIsAuthorizedAsItsAccounts() {
    KmsKey theirs = newKey(OTHER);
    asked.clear();

    assertThatThrownBy(() -> kms.keys().describeKey(as(EAST, "kms:DescribeKey"), theirs.keyId()))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("Key 'arn:aws:kms:us-east-1:111122223333:key/" + theirs.keyId() + "' does not exist");
    assertThat(asked).isEmpty();

    assertThat(kms.keys().describeKey(as(EAST, "kms:DescribeKey"), theirs.arn().value())).isEqualTo(theirs);
    assertThat(asked).containsExactly("kms:DescribeKey " + theirs.arn().value());
  }

  @Test
  void anotherAccountsUnknownKeyOrAliasArnIsAccessDeniedWithoutSayingWhetherItExists() {
    String unknownKey = "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    String unknownAlias = "arn:aws:kms:us-east-1:444455556666:alias/nope";
    String message = "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: kms:DescribeKey on "
        + "this resource because the resource does not exist in this Region, no resource-based policies allow "
        + "access, or a resource-based policy explicitly denies access";

    assertThatThrownBy(() -> kms.keys().describeKey(as(EAST, "kms:DescribeKey"), unknownKey))
        .isInstanceOf(AccessDeniedException.class).hasMessage(message);
    assertThatThrownBy(() -> kms.keys().describeKey(as(EAST, "kms:DescribeKey"), unknownAlias))
        .isInstanceOf(AccessDeniedException.class).hasMessage(message);
    assertThatThrownBy(() -> kms.keys().describeKey(as(EAST, "kms:DescribeKey"),
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("Key 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist");
  }

  @Test
  void aliasNamesAreUniquePerAccountAndRegionAndResolveThere() {
    KmsKey east = newKey(EAST);
    KmsKey west = newKey(WEST);
    KmsKey other = newKey(OTHER);
    kms.aliases().createAlias(as(EAST, "kms:CreateAlias"), "alias/app", east.keyId());
    kms.aliases().createAlias(as(WEST, "kms:CreateAlias"), "alias/app", west.keyId());
    kms.aliases().createAlias(as(OTHER, "kms:CreateAlias"), "alias/app", other.keyId());

    assertThat(kms.keys().describeKey(as(EAST, "kms:DescribeKey"), "alias/app")).isEqualTo(east);
    assertThat(kms.keys().describeKey(as(WEST, "kms:DescribeKey"), "alias/app")).isEqualTo(west);
    assertThat(kms.keys().describeKey(as(OTHER, "kms:DescribeKey"), "alias/app")).isEqualTo(other);
    // Another account's key by its alias ARN.
    assertThat(kms.keys().describeKey(as(EAST, "kms:DescribeKey"), "arn:aws:kms:us-east-1:444455556666:alias/app"))
        .isEqualTo(other);

    List<Alias> westAliases = kms.aliases().listAliases(as(WEST, "kms:ListAliases"), null, null, null).items();
    assertThat(westAliases).extracting(a -> a.arn().value())
        .containsExactly("arn:aws:kms:us-west-2:111122223333:alias/app");
    assertThat(kms.keys().listKeys(as(WEST, "kms:ListKeys"), null, null).items()).containsExactly(west);
    assertThat(kms.keys().listKeys(as(OTHER, "kms:ListKeys"), null, null).items()).containsExactly(other);

    kms.aliases().deleteAlias(as(WEST, "kms:DeleteAlias"), "alias/app");
    assertThatThrownBy(() -> kms.keys().describeKey(as(WEST, "kms:DescribeKey"), "alias/app"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("Alias arn:aws:kms:us-west-2:111122223333:alias/app is not found.");
    assertThat(kms.keys().describeKey(as(EAST, "kms:DescribeKey"), "alias/app")).isEqualTo(east);
  }

  @Test
  void aliasOperationsAreAuthorizedOnTheAliasAndOnEveryKeyTheyTouch() {
    KmsKey first = newKey(EAST);
    KmsKey second = newKey(EAST);
    String alias = "arn:aws:kms:us-east-1:111122223333:alias/app";
    asked.clear();

    kms.aliases().createAlias(as(EAST, "kms:CreateAlias"), "alias/app", first.keyId());
    assertThat(asked).containsExactly("kms:CreateAlias " + first.arn().value(), "kms:CreateAlias " + alias);
    asked.clear();

    kms.aliases().updateAlias(as(EAST, "kms:UpdateAlias"), "alias/app", second.keyId());
    assertThat(asked).containsExactly("kms:UpdateAlias " + alias, "kms:UpdateAlias " + first.arn().value(),
        "kms:UpdateAlias " + second.arn().value());
    asked.clear();

    kms.aliases().deleteAlias(as(EAST, "kms:DeleteAlias"), "alias/app");
    assertThat(asked).containsExactly("kms:DeleteAlias " + alias, "kms:DeleteAlias " + second.arn().value());
  }

  @Test
  void decryptingACiphertextOfAnotherRegionsKeyIsAccessDenied() {
    KmsKey west = newKey(WEST);
    byte[] blob = kms.crypto().encrypt(as(WEST, "kms:Encrypt"),
        new EncryptRequest(west.keyId(), "secret".getBytes(StandardCharsets.UTF_8), null, null, null, false))
        .ciphertextBlob();

    assertThatThrownBy(() -> kms.crypto().decrypt(as(EAST, "kms:Decrypt"),
        new DecryptRequest(blob, null, null, null, null, false)))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessage("The ciphertext refers to a customer master key that does not exist, does not exist in this "
            + "region, or you are not allowed to access.");
    assertThat(kms.crypto().decrypt(as(WEST, "kms:Decrypt"), new DecryptRequest(blob, null, null, null, null, false))
        .plaintext()).asString(StandardCharsets.UTF_8).isEqualTo("secret");
  }
}
