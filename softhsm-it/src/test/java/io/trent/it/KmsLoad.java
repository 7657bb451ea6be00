package io.trent.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/**
 * Load on a {@link ServerNode} for fault tests: several SDK v2 clients (no SDK retries, so every
 * answer is seen), each alternating GenerateDataKey under one key and Decrypt of a known ciphertext,
 * until {@link #close}. Every request's outcome is recorded (status, {@code __type}, time taken,
 * whether a plaintext was wrong), and every data key the load got is kept to be decrypted later.
 */
final class KmsLoad implements AutoCloseable {

  /** One request's answer, as its client saw it; status 0 is an SDK client error (timeout, reset). */
  record Outcome(String operation, long startNanos, long nanos, int status, String type, boolean wrongAnswer) {
    boolean ok() {
      return status == 200 && !wrongAnswer;
    }

    long endNanos() {
      return startNanos + nanos;
    }
  }

  /** A data key and its ciphertext. */
  record DataKey(SdkBytes plaintext, SdkBytes ciphertext) {}

  /** A condition polled by {@link #within}. */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final Queue<DataKey> made = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ExecutorService threads;
  private final List<Future<?>> clients = new ArrayList<>();

  private KmsLoad(int clients) {
    this.threads = Executors.newFixedThreadPool(clients);
  }

  /**
   * Starts {@code clients} clients of the node.
   *
   * @param known ciphertexts (made under {@code context}) that the clients decrypt in turn
   */
  static KmsLoad start(ServerNode node, String keyId, Map<String, String> context, List<DataKey> known, int clients) {
    KmsLoad load = new KmsLoad(clients);
    for (int c = 0; c < clients; c++) {
      int first = c;
      load.clients.add(load.threads.submit(() -> {
        try (KmsClient kms = node.client()) {
          for (int i = first; load.running.get(); i++) {
            DataKey old = known.get(i % known.size());
            load.outcomes.add(call("GenerateDataKey", () -> {
              GenerateDataKeyResponse response = kms.generateDataKey(b -> b.keyId(keyId)
                  .keySpec(DataKeySpec.AES_256).encryptionContext(context));
              load.made.add(new DataKey(response.plaintext(), response.ciphertextBlob()));
              return true;
            }));
            load.outcomes.add(call("Decrypt", () -> kms.decrypt(b -> b.ciphertextBlob(old.ciphertext())
                .encryptionContext(context)).plaintext().equals(old.plaintext())));
          }
        }
        return null;
      }));
    }
    return load;
  }

  /** Runs one request and records how it ended. */
  static Outcome call(String operation, BooleanSupplier request) {
    long start = System.nanoTime();
    try {
      boolean right = request.getAsBoolean();
      return new Outcome(operation, start, System.nanoTime() - start, 200, null, !right);
    } catch (AwsServiceException e) {
      return new Outcome(operation, start, System.nanoTime() - start, e.statusCode(), e.awsErrorDetails().errorCode(),
          false);
    } catch (RuntimeException e) {
      return new Outcome(operation, start, System.nanoTime() - start, 0, e.toString(), false);
    }
  }

  long count(Predicate<Outcome> which) {
    return outcomes.stream().filter(which).count();
  }

  /** Every outcome so far. */
  List<Outcome> outcomes() {
    return List.copyOf(outcomes);
  }

  /** Every data key the load was given. */
  List<DataKey> made() {
    return List.copyOf(made);
  }

  /** Stops the clients and waits (bounded) for their last requests. */
  @Override
  public void close() throws Exception {
    running.set(false);
    try {
      for (Future<?> client : clients) {
        client.get(2, TimeUnit.MINUTES);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /** Polls until the condition holds or the deadline passes (the deadline bounds the wait). */
  static boolean within(Duration deadline, Condition condition) throws Exception {
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

  /** The status of the node's {@code GET /health}. */
  static int health(ServerNode node) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/health"))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
