package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Token provisioning and the errors of opening a backend on a wrong token or PIN. */
class Pkcs11TokenProvisionerTest {

  @Test
  void provisionsOnceAndOpensAfterwardsInTheSameJvm() {
    SoftHsmToken token = SoftHsmToken.create("provisioner"); // provisions, asserting true

    assertThat(Pkcs11TokenProvisioner.provisionIfAbsent(SoftHsmToken.LIBRARY, token.label, token.soPin, token.userPin))
        .as("the token already exists").isFalse();
    assertThat(Pkcs11TokenProvisioner.provisionIfAbsent(SoftHsmToken.LIBRARY, " " + token.label + " ",
        token.soPin, token.userPin)).as("labels compare trimmed").isFalse();

    String second = "second-" + SoftHsmToken.randomHex(2);
    assertThat(Pkcs11TokenProvisioner.provisionIfAbsent(SoftHsmToken.LIBRARY, second, token.soPin, token.userPin))
        .isTrue();
    assertThat(Pkcs11TokenProvisioner.provisionIfAbsent(SoftHsmToken.LIBRARY, second, token.soPin, token.userPin))
        .isFalse();

    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings())) {
      assertThat(backend.isHealthy()).isTrue();
      assertThat(backend.generateRandom(16)).hasSize(16);
      assertThat(Pkcs11TokenProvisioner.provisionIfAbsent(SoftHsmToken.LIBRARY, token.label, token.soPin,
          token.userPin)).as("works while a backend holds the module").isFalse();
      assertThat(backend.generateRandom(16)).hasSize(16);
    }
  }

  @Test
  void openFailsClearlyWithoutLeakingThePin() {
    SoftHsmToken token = SoftHsmToken.create("open-errors");
    char[] wrongPin = "wrong-pin-123456".toCharArray();

    assertThatThrownBy(() -> Pkcs11KeyBackend.open(new Pkcs11Settings(SoftHsmToken.LIBRARY, token.label,
        wrongPin, 2, Duration.ofSeconds(1), GcmIvSource.TOKEN_RNG)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cannot log in to token '" + token.label + "'")
        .hasMessageContaining("CKR_PIN_INCORRECT")
        .message().doesNotContain("wrong-pin").doesNotContain(new String(token.userPin));

    assertThatThrownBy(() -> Pkcs11KeyBackend.open(new Pkcs11Settings(SoftHsmToken.LIBRARY, "no-such-token",
        token.userPin, 2, Duration.ofSeconds(1), GcmIvSource.TOKEN_RNG)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No token labelled 'no-such-token'")
        .hasMessageContaining("'" + token.label + "'")
        .message().doesNotContain(new String(token.userPin));

    // the failed opens released the module
    try (Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(token.settings())) {
      assertThat(backend.isHealthy()).isTrue();
      assertThatThrownBy(() -> Pkcs11KeyBackend.open(token.settings()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already initialized in this JVM");
    }
  }

  @Test
  void settingsHideThePin() {
    Pkcs11Settings settings = new Pkcs11Settings(SoftHsmToken.LIBRARY, "label", "s3cr3t-pin".toCharArray(),
        1, Duration.ofSeconds(1), GcmIvSource.TOKEN_RNG);

    assertThat(settings.toString()).doesNotContain("s3cr3t-pin").contains("pin=<redacted>");
    assertThatThrownBy(() -> new Pkcs11Settings(SoftHsmToken.LIBRARY, "x".repeat(33), "p".toCharArray(), 1,
        Duration.ofSeconds(1), GcmIvSource.TOKEN_RNG)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Pkcs11Settings(SoftHsmToken.LIBRARY, "label", "p".toCharArray(), 0,
        Duration.ofSeconds(1), GcmIvSource.TOKEN_RNG)).isInstanceOf(IllegalArgumentException.class);
  }
}
