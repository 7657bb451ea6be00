package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeyPairSpec;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Overload through the AWS SDK on the real token: one HSM worker with one queue slot, a DescribeKey quota of one
 * request per 2 s, and a pool of two ECC_NIST_P256 data key pairs. More concurrent requests than the worker and
 * queue take are throttled at once (HTTP 400, AWS's ThrottlingException), none time out or fail otherwise;
 * requests beyond a quota are throttled, audited as such, and the SDK's retries get through. Runs late: it
 * restarts the shared server.
 */
@Order(Integer.MAX_VALUE - 1)
@ExtendWith(TrentExtension.class)
class OverloadTest {
  static final String THROTTLED =
      "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.";

  @BeforeAll
  static void oneWorkerAndSmallQuotas() throws Exception {
    Trent.restartWithEnvironment(Map.of(
        "TRENT_SERVER_HSM_WORKERS", "1",
        "TRENT_SERVER_HSM_QUEUE_CAPACITY", "1",
        // AWS's defaults, but DescribeKey at one per 2 s, and RSA_4096 pairs at any rate (the queue is tested).
        "TRENT_KMS_QUOTAS", "{enabled: true, requestsPerSecond: {DescribeKey: 0.5, GenerateDataKeyPair.RSA_4096: 1000}}",
        "TRENT_PKCS11_KEY_PAIR_POOL", "{ECC_NIST_P256: 2}"));
  }

  @AfterAll
  static void defaults() throws Exception {
    Trent.restartWithEnvironment(Map.of());
  }

  /** What one request got, and when its answer arrived. */
  private record Outcome(String errorCode, int status, String message, long arrivedNanos) {
    boolean ok() {
      return errorCode == null;
    }
  }

  @Test
  void moreConcurrentRequestsThanWorkerAndQueueAreThrottledAtOnceAndNoneFailsOtherwise() throws Exception {
    KeyMetadata key = Trent.newKey("overload");
    int clients = 8;
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    CyclicBarrier together = new CyclicBarrier(clients);
    long queueThrottlesBefore = throttled("GenerateDataKeyPairWithoutPlaintext", "queue");
    List<Outcome> outcomes = new ArrayList<>();
    List<ObjectNode> events;
    try (AuditRecorder.Capture capture = Trent.audit().capture();
        KmsClient client = Trent.newClient(clients)) { // no retries: every answer shows
      List<Future<Outcome>> futures = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        futures.add(threads.submit(() -> {
          together.await();
          try {
            // RSA_4096 generation holds the only worker for a second or more.
            client.generateDataKeyPairWithoutPlaintext(b -> b.keyId(key.keyId()).keyPairSpec(DataKeyPairSpec.RSA_4096));
            return new Outcome(null, 200, null, System.nanoTime());
          } catch (KmsException e) {
            return new Outcome(e.awsErrorDetails().errorCode(), e.statusCode(), e.awsErrorDetails().errorMessage(),
                System.nanoTime());
          }
        }));
      }
      for (Future<Outcome> future : futures) {
        outcomes.add(future.get(5, TimeUnit.MINUTES)); // a hang guard, not a latency bound
      }
      events = capture.events().stream()
          .filter(e -> e.path("eventName").asText().equals("GenerateDataKeyPairWithoutPlaintext")).toList();
    } finally {
      threads.shutdownNow();
    }

    List<Outcome> throttled = outcomes.stream().filter(o -> !o.ok()).toList();
    List<Outcome> served = outcomes.stream().filter(Outcome::ok).toList();
    assertThat(served).as("the worker and the queue slot are served").isNotEmpty();
    assertThat(throttled).as("the rest are refused, not queued without bound").isNotEmpty();
    for (Outcome refused : throttled) {
      assertThat(refused.errorCode()).as("no timeout, no 500: only AWS's throttle").isEqualTo("ThrottlingException");
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.message()).isEqualTo(THROTTLED);
    }
    // A throttle is answered while the queue is full, so before the requests that filled it are done.
    long lastServed = served.stream().mapToLong(Outcome::arrivedNanos).max().orElseThrow();
    assertThat(throttled).allMatch(o -> o.arrivedNanos() < lastServed);
    assertThat(throttled("GenerateDataKeyPairWithoutPlaintext", "queue") - queueThrottlesBefore)
        .isEqualTo(throttled.size());
    // Every request has its one event, the throttled ones too (recorded before they were answered).
    assertThat(events).hasSize(clients);
    JsonNode caller = events.stream().filter(e -> !e.has("errorCode")).findFirst().orElseThrow().path("userIdentity");
    assertThat(events).filteredOn(e -> e.path("errorCode").asText().equals("ThrottlingException"))
        .hasSize(throttled.size())
        .allSatisfy(e -> {
          assertThat(e.path("errorMessage").asText()).isEqualTo(THROTTLED);
          assertThat(e.path("userIdentity")).isEqualTo(caller); // the caller's, as for a request that ran
        });
  }

  @Test
  void requestsBeyondAQuotaAreThrottledAuditedAndTheSdkRetriesGetThrough() {
    KeyMetadata key = Trent.newKey("quota");
    long before = throttled("DescribeKey", "DescribeKey");
    KmsException refused = null;
    try (AuditRecorder.Capture capture = Trent.audit().capture(); KmsClient once = Trent.newClient(1)) {
      // The bucket holds one request; at one per 2 s, a few requests in a row exceed it.
      for (int i = 0; i < 5 && refused == null; i++) {
        try {
          once.describeKey(b -> b.keyId(key.keyId()));
        } catch (KmsException e) {
          refused = e;
        }
      }
      assertThat(refused).as("a request beyond the quota").isNotNull();
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
      assertThat(refused.awsErrorDetails().errorMessage()).isEqualTo(THROTTLED);
      List<ObjectNode> events = capture.events().stream()
          .filter(e -> e.path("eventName").asText().equals("DescribeKey")).toList();
      assertThat(events).anySatisfy(e -> {
        assertThat(e.path("errorCode").asText()).isEqualTo("ThrottlingException");
        assertThat(e.path("errorMessage").asText()).isEqualTo(THROTTLED);
      });
    }
    // The SDK's standard retries back off on ThrottlingException until the bucket has a token again.
    try (KmsClient retrying = KmsClient.builder().endpointOverride(Trent.endpoint())
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(Trent.CREDENTIALS))
        .overrideConfiguration(o -> o.retryStrategy(
            AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(20).build()))
        .build()) {
      for (int i = 0; i < 3; i++) {
        assertThat(retrying.describeKey(b -> b.keyId(key.keyId())).keyMetadata().keyId()).isEqualTo(key.keyId());
      }
    }
    assertThat(throttled("DescribeKey", "DescribeKey") - before).isGreaterThanOrEqualTo(2);
  }

  @Test
  void pooledDataKeyPairsAreServedOnceEachAndThePoolRefills() {
    KeyMetadata key = Trent.newKey("pool");
    awaitTrue(() -> poolLevel() == 2, "the pool fills");
    List<String> privateKeys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      privateKeys.add(HexFormat.of().formatHex(Trent.kms().generateDataKeyPair(b -> b.keyId(key.keyId())
          .keyPairSpec(DataKeyPairSpec.ECC_NIST_P256)).privateKeyPlaintext().asByteArray()));
    }
    assertThat(privateKeys).doesNotHaveDuplicates();
    awaitTrue(() -> poolLevel() == 2, "the pool refills");
  }

  private static double poolLevel() {
    Gauge gauge = Trent.server().meters().find("trent.keypair.pool.level").tag("spec", "ECC_NIST_P256").gauge();
    return gauge == null ? -1 : gauge.value();
  }

  private static long throttled(String operation, String reason) {
    Counter counter = Trent.server().meters().find("trent.throttled").tag("operation", operation)
        .tag("reason", reason).counter();
    return counter == null ? 0 : (long) counter.count();
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("timed out waiting: " + what).isNegative();
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // a poll interval, not a synchronisation
    }
  }
}
