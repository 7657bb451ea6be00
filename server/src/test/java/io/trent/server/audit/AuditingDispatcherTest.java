package io.trent.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.audit.AuditSink;
import io.trent.audit.AuditUnavailableException;
import io.trent.core.KmsServices;
import io.trent.core.auth.Caller;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.KeyBackend;
import io.trent.metadata.jdbc.JdbcMetadataStore;
import io.trent.server.http.RequestInfo;
import io.trent.server.protocol.KmsJsonProtocol;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auditing dispatcher with a sink whose appends the test completes by hand: a request's outcome is released
 * only once its event is durable, and an event that could not be made durable turns the outcome into the retryable
 * 500. The protocol is the real one over H2; the operations used here never reach the HSM.
 */
class AuditingDispatcherTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private static final Caller ROOT =
      new Caller("111122223333", "arn:aws:iam::111122223333:root", "dev", "us-east-1", false);

  @TempDir Path dataDir;
  private JdbcMetadataStore store;
  private final HandCompletedSink sink = new HandCompletedSink();
  private AuditingDispatcher dispatcher;

  /** Takes events and hands out futures the test completes: a trail whose disk is as slow as the test wants. */
  private static final class HandCompletedSink implements AuditSink {
    final LinkedBlockingQueue<CompletableFuture<Void>> appends = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<ObjectNode> events = new LinkedBlockingQueue<>();

    @Override
    public void checkWritable() { }

    @Override
    public void append(ObjectNode event) {
      appendAsync(event).join();
    }

    @Override
    public CompletableFuture<Void> appendAsync(ObjectNode event) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      events.add(event.deepCopy());
      appends.add(done);
      return done;
    }
  }

  @BeforeEach
  void setUp() {
    store = JdbcMetadataStore.openEmbedded(dataDir);
    KeyBackend noHsm = (KeyBackend) Proxy.newProxyInstance(KeyBackend.class.getClassLoader(),
        new Class<?>[] {KeyBackend.class}, (proxy, method, args) -> {
          throw new IllegalStateException("no HSM in this test: " + method.getName());
        });
    KmsJsonProtocol protocol = new KmsJsonProtocol(KmsServices.create(noHsm, store, IDENTITY, Clock.systemUTC()));
    dispatcher = new AuditingDispatcher(protocol, sink,
        new TrailContext(IDENTITY, "test-token", () -> "serial", Clock.systemUTC()));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private static RequestInfo request(String operation) {
    return new RequestInfo("req-1", operation, "127.0.0.1", "test", System.nanoTime());
  }

  private static byte[] body(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theResponseIsReleasedOnlyOnceItsEventIsDurable() {
    CompletableFuture<byte[]> response = dispatcher.dispatchAsync(request("ListKeys"), body("{}"), ROOT);

    ObjectNode event = sink.events.poll();
    assertThat(event).isNotNull();
    assertThat(event.path("eventName").asText()).isEqualTo("ListKeys");
    assertThat(event.path("requestID").asText()).isEqualTo("req-1");
    assertThat(response).as("returned before the disk synced, not completed").isNotDone();

    sink.appends.poll().complete(null);
    assertThat(new String(response.join(), StandardCharsets.UTF_8)).contains("\"Keys\":[]");
  }

  @Test
  void anEventThatCannotBeMadeDurableIsTheRetryable500() {
    CompletableFuture<byte[]> response = dispatcher.dispatchAsync(request("ListKeys"), body("{}"), ROOT);
    CompletableFuture<Void> appended = sink.appends.poll();
    assertThat(appended).isNotNull();

    appended.completeExceptionally(new AuditUnavailableException("disk full (simulated)"));

    assertThatThrownBy(response::join).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(KmsInternalException.class)
        .satisfies(e -> assertThat(((KmsException) e).httpStatus()).isEqualTo(500));
    // The blocking API (used by the principal command and tests) fails the same way.
    CompletableFuture<byte[]> blocking = CompletableFuture.supplyAsync(
        () -> dispatcher.dispatch(request("ListKeys"), body("{}"), ROOT));
    CompletableFuture<Void> second = pollWithDeadline();
    second.completeExceptionally(new AuditUnavailableException("disk full (simulated)"));
    assertThatThrownBy(blocking::join).cause().isInstanceOf(KmsInternalException.class);
  }

  @Test
  void anOperationsErrorIsReleasedOnlyOnceItsEventIsDurable() {
    CompletableFuture<byte[]> response =
        dispatcher.dispatchAsync(request("DescribeKey"), body("{\"KeyId\":\"alias/missing\"}"), ROOT);

    assertThat(response).isNotDone();
    assertThat(sink.events.poll().path("errorCode").asText()).isEqualTo("NotFoundException");
    sink.appends.poll().complete(null);
    assertThatThrownBy(response::join).cause().isInstanceOf(KmsException.class)
        .satisfies(e -> assertThat(((KmsException) e).errorType()).isEqualTo("NotFoundException"));
  }

  @Test
  void aRequestThrottledForAFullQueueIsTheCallersEventWithItsErrorAndNothingElse() {
    CompletableFuture<Void> recorded = dispatcher.throttledAsync(request("GenerateDataKey"), ROOT,
        new io.trent.core.error.ThrottlingException("You have exceeded the rate at which you may call KMS. "
            + "Reduce the frequency of your calls."));

    ObjectNode event = sink.events.poll();
    assertThat(event).isNotNull();
    assertThat(event.path("eventName").asText()).isEqualTo("GenerateDataKey");
    assertThat(event.path("requestID").asText()).isEqualTo("req-1");
    assertThat(event.path("userIdentity").path("arn").asText()).isEqualTo("arn:aws:iam::111122223333:root");
    assertThat(event.path("errorCode").asText()).isEqualTo("ThrottlingException");
    assertThat(event.path("errorMessage").asText()).startsWith("You have exceeded the rate");
    assertThat(event.path("requestParameters").isNull()).isTrue();
    assertThat(event.path("resources").size()).isZero();
    assertThat(recorded).as("recorded only once durable").isNotDone();
    sink.appends.poll().complete(null);
    assertThat(recorded).isCompleted();
  }

  @Test
  void anOperationTrentDoesNotServeIsUnknownOperationWithoutAnEvent() {
    CompletableFuture<byte[]> response = dispatcher.dispatchAsync(request("NoSuchOperation"), body("{}"), ROOT);

    assertThatThrownBy(response::join).cause().isInstanceOf(KmsException.class)
        .satisfies(e -> assertThat(((KmsException) e).errorType()).isEqualTo("UnknownOperationException"));
    assertThat(sink.events).isEmpty();
  }

  private CompletableFuture<Void> pollWithDeadline() {
    try {
      CompletableFuture<Void> next = sink.appends.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(next).as("an append within 10 s").isNotNull();
      return next;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
