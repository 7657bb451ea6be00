package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * The HSM goes away under load and comes back: a server process of its own serves GenerateDataKey
 * and Decrypt to several SDK v2 clients (no SDK retries, so every answer is seen) while its SoftHSM2
 * token directory is moved aside (SoftHSM2 then finds no objects, fails C_GetTokenInfo and cannot be
 * initialized again: what a lost device or a network HSM that dropped off looks like) and then put
 * back.
 *
 * <p>During the outage every failed request is a retryable 500 with AWS's {@code __type}
 * (KMSInternalException for a call the fault hit, DependencyTimeoutException while the token is
 * unreachable), answered within a bound, never a 4xx and never a wrong plaintext; {@code GET /health}
 * is 503 and DescribeKey shows the key Unavailable. Once the token is back the node reconnects by itself: /health is 200 within a bound, every
 * request from then on succeeds, and every ciphertext made before, during and after the outage
 * decrypts to its plaintext.
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

  private enum Phase { BEFORE, OUTAGE, RESTORED }

  /** One request's answer, as its client saw it. */
  private record Outcome(Phase phase, long startNanos, long nanos, int status, String type, boolean wrongAnswer) {
    boolean ok() {
      return status == 200 && !wrongAnswer;
    }
  }

  /** A data key and its ciphertext, to be decrypted once the token is back. */
  private record DataKey(SdkBytes plaintext, SdkBytes ciphertext) {}

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

      AtomicReference<Phase> phase = new AtomicReference<>(Phase.BEFORE);
      Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
      Queue<DataKey> made = new ConcurrentLinkedQueue<>();
      AtomicBoolean running = new AtomicBoolean(true);
      ExecutorService load = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> clients = new ArrayList<>();
      try {
        for (int c = 0; c < CLIENTS; c++) {
          int client = c;
          clients.add(load.submit(() -> {
            try (KmsClient own = node.client()) {
              for (int i = client; running.get(); i++) {
                DataKey old = before.get(i % before.size());
                outcomes.add(call(phase.get(), () -> {
                  GenerateDataKeyResponse response = own.generateDataKey(b -> b.keyId(keyId)
                      .keySpec(DataKeySpec.AES_256).encryptionContext(CONTEXT));
                  made.add(new DataKey(response.plaintext(), response.ciphertextBlob()));
                  return true;
                }));
                outcomes.add(call(phase.get(), () -> own.decrypt(b -> b.ciphertextBlob(old.ciphertext())
                    .encryptionContext(CONTEXT)).plaintext().equals(old.plaintext())));
              }
            }
            return null;
          }));
        }
        assertThat(within(NOTICE_BOUND, () -> count(outcomes, o -> o.phase() == Phase.BEFORE && o.ok()) >= 4 * CLIENTS))
            .as("the load runs before the outage").isTrue();

        // The HSM goes away.
        long awayAt = System.nanoTime();
        Files.move(tokens, away);
        phase.set(Phase.OUTAGE);
        boolean noticed;
        try {
          noticed = within(NOTICE_BOUND, () -> health(node) == 503);
          assertThat(noticed).as("/health turns 503 while the token is away").isTrue();
          assertThat(within(NOTICE_BOUND, () -> count(outcomes, o -> o.phase() == Phase.OUTAGE && !o.ok()) >= 4 * CLIENTS))
              .as("requests fail while the token is away").isTrue();
          assertThat(health(node)).as("still 503 while the token is away").isEqualTo(503);
          // As AWS shows a key of a disconnected custom key store: viewable, not usable.
          assertThat(kms.describeKey(b -> b.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.UNAVAILABLE);
        } finally {
          Files.move(away, tokens); // and comes back
        }
        phase.set(Phase.RESTORED);
        assertThat(within(RECOVERY_BOUND, () -> health(node) == 200)).as("/health is 200 again by itself").isTrue();
        long upAt = System.nanoTime();
        assertThat(within(RECOVERY_BOUND, () -> count(outcomes, o -> o.startNanos() > upAt && o.ok()) >= 4 * CLIENTS))
            .as("requests succeed again").isTrue();
        running.set(false);
        for (Future<?> client : clients) {
          client.get(CALL_BOUND.toSeconds() * 2, TimeUnit.SECONDS);
        }

        List<Outcome> all = List.copyOf(outcomes);
        assertThat(all).as("no wrong plaintext, ever").noneMatch(Outcome::wrongAnswer);
        assertThat(all).as("every request answered within the bound")
            .allMatch(o -> o.nanos() < CALL_BOUND.toNanos());
        assertThat(all).as("every failure is a retryable 500 with AWS's type: no 4xx, no hang, no dropped connection")
            .filteredOn(o -> !o.ok()).allMatch(o -> o.status() == 500 && RETRYABLE.contains(o.type()));
        assertThat(all).as("nothing that finished before the outage failed")
            .filteredOn(o -> o.startNanos() + o.nanos() < awayAt).allMatch(Outcome::ok);
        assertThat(all).as("every request made once /health said 200 succeeded")
            .filteredOn(o -> o.startNanos() > upAt).allMatch(Outcome::ok);
      } finally {
        running.set(false);
        load.shutdownNow();
        load.awaitTermination(CALL_BOUND.toSeconds() * 2, TimeUnit.SECONDS);
      }

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
  }

  /** Runs one request and records how it ended; an SDK client error (timeout, reset) is status 0. */
  private static Outcome call(Phase phase, java.util.function.BooleanSupplier request) {
    long start = System.nanoTime();
    try {
      boolean right = request.getAsBoolean();
      return new Outcome(phase, start, System.nanoTime() - start, 200, null, !right);
    } catch (AwsServiceException e) {
      return new Outcome(phase, start, System.nanoTime() - start, e.statusCode(), e.awsErrorDetails().errorCode(), false);
    } catch (RuntimeException e) {
      return new Outcome(phase, start, System.nanoTime() - start, 0, e.toString(), false);
    }
  }

  private static long count(Queue<Outcome> outcomes, Predicate<Outcome> which) {
    return outcomes.stream().filter(which).count();
  }

  /** Polls until the condition holds or the deadline passes (the deadline bounds the wait). */
  private static boolean within(Duration deadline, CheckedCondition condition) throws Exception {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      if (condition.holds()) {
        return true;
      }
      if (System.nanoTime() >= end) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(100); // a polling interval, not synchronisation
    }
  }

  @FunctionalInterface
  private interface CheckedCondition {
    boolean holds() throws Exception;
  }

  /** The status of {@code GET /health}. */
  private static int health(ServerNode node) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/health"))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static Path fresh(Path dir) throws IOException {
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
