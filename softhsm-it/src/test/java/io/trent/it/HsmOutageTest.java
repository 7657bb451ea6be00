package io.trent.it;

import static io.trent.it.KmsLoad.health;
import static io.trent.it.KmsLoad.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.it.KmsLoad.DataKey;
import io.trent.it.KmsLoad.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * The HSM goes away under load and comes back: a server process of its own serves GenerateDataKey
 * and Decrypt to several SDK v2 clients ({@link KmsLoad}) while its SoftHSM2 token directory is
 * moved aside (SoftHSM2 then finds no objects, fails C_GetTokenInfo and cannot be initialized again:
 * what a lost device or a network HSM that dropped off looks like) and then put back.
 *
 * <p>During the outage every failed request is a retryable 500 with AWS's {@code __type}
 * (KMSInternalException for a call the fault hit, DependencyTimeoutException while the token is
 * unreachable), answered within a bound, never a 4xx and never a wrong plaintext; {@code GET /health}
 * is 503 and DescribeKey shows the key Unavailable. Once the token is back the node reconnects by
 * itself: /health is 200 within a bound, every request from then on succeeds, and every ciphertext
 * made before, during and after the outage decrypts to its plaintext.
 */
class HsmOutageTest {

  private static final int CLIENTS = 4;
  /** The longest a single request may take, outage or not: the session borrow timeout (10 s) plus room. */
  private static final Duration CALL_BOUND = Duration.ofSeconds(20);
  /** How long the node may take to notice the outage, and to recover from it, on a loaded machine. */
  private static final Duration NOTICE_BOUND = Duration.ofSeconds(30);
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);
  private static final Set<String> RETRYABLE = Set.of("KMSInternalException", "DependencyTimeoutException");
  private static final Map<String, String> CONTEXT = Map.of("purpose", "hsm-outage-it");

  @Test
  void theTokenGoesAwayUnderLoadAndServiceResumesByItself() throws Exception {
    Path base = fresh(Trent.buildDir().resolve("hsm-outage-it"));
    Path tokens = base.resolve("tokens");
    Path away = base.resolve("tokens-away");
    try (ServerNode node = ServerNode.start(base, "trent-outage-it"); KmsClient kms = node.client()) {
      String keyId = kms.createKey(b -> b.description("HsmOutageTest")).keyMetadata().keyId();
      List<DataKey> before = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        GenerateDataKeyResponse made = kms.generateDataKey(b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256)
            .encryptionContext(CONTEXT));
        before.add(new DataKey(made.plaintext(), made.ciphertextBlob()));
      }
      assertThat(health(node)).isEqualTo(200);

      List<Outcome> all;
      List<DataKey> made;
      long awayAt;
      long upAt;
      try (KmsLoad load = KmsLoad.start(node, keyId, CONTEXT, before, CLIENTS)) {
        assertThat(within(NOTICE_BOUND, () -> load.count(Outcome::ok) >= 4 * CLIENTS))
            .as("the load runs before the outage").isTrue();

        // The HSM goes away.
        awayAt = System.nanoTime();
        Files.move(tokens, away);
        try {
          assertThat(within(NOTICE_BOUND, () -> health(node) == 503)).as("/health turns 503 while the token is away")
              .isTrue();
          assertThat(within(NOTICE_BOUND, () -> load.count(o -> o.startNanos() > awayAt && !o.ok()) >= 4 * CLIENTS))
              .as("requests fail while the token is away").isTrue();
          assertThat(health(node)).as("still 503 while the token is away").isEqualTo(503);
          // As AWS shows a key of a disconnected custom key store: viewable, not usable.
          assertThat(kms.describeKey(b -> b.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.UNAVAILABLE);
        } finally {
          Files.move(away, tokens); // and comes back
        }
        assertThat(within(RECOVERY_BOUND, () -> health(node) == 200)).as("/health is 200 again by itself").isTrue();
        upAt = System.nanoTime();
        assertThat(within(RECOVERY_BOUND, () -> load.count(o -> o.startNanos() > upAt && o.ok()) >= 4 * CLIENTS))
            .as("requests succeed again").isTrue();
        load.close();
        all = load.outcomes();
        made = load.made();
      }

      assertThat(all).as("no wrong plaintext, ever").noneMatch(Outcome::wrongAnswer);
      assertThat(all).as("every request answered within the bound").allMatch(o -> o.nanos() < CALL_BOUND.toNanos());
      assertThat(all).as("every failure is a retryable 500 with AWS's type: no 4xx, no hang, no dropped connection")
          .filteredOn(o -> !o.ok()).allMatch(o -> o.status() == 500 && RETRYABLE.contains(o.type()));
      assertThat(all).as("nothing that finished before the outage failed")
          .filteredOn(o -> o.endNanos() < awayAt).allMatch(Outcome::ok);
      assertThat(all).as("every request made once /health said 200 succeeded")
          .filteredOn(o -> o.startNanos() > upAt).allMatch(Outcome::ok);

      assertThat(kms.describeKey(b -> b.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
      // Every ciphertext decrypts: those made before the outage, and every data key the load got.
      for (DataKey key : before) {
        assertThat(kms.decrypt(b -> b.ciphertextBlob(key.ciphertext()).encryptionContext(CONTEXT)).plaintext())
            .isEqualTo(key.plaintext());
      }
      assertThat(made).isNotEmpty();
      for (DataKey key : made) {
        assertThat(kms.decrypt(b -> b.ciphertextBlob(key.ciphertext()).encryptionContext(CONTEXT)).plaintext())
            .isEqualTo(key.plaintext());
      }
    }
    // The operator's view: an HSM fault, not an internal error (every request still got its audit
    // event) and not keys destroyed behind Trent's back.
    assertThat(Files.readString(base.resolve("server.log")))
        .doesNotContain("failed unexpectedly")
        .doesNotContain("destroyed outside Trent")
        .contains("Reset the PKCS#11 module; reconnected to token 'trent-outage-it'");
  }

  static Path fresh(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    return Files.createDirectories(dir);
  }
}
