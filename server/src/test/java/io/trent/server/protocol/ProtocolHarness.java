package io.trent.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trent.core.KmsServices;
import io.trent.core.auth.Caller;
import io.trent.core.error.KmsException;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.spi.KeyBackend;
import io.trent.metadata.jdbc.JdbcMetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JSON protocol over the real core services and a real H2 metadata store, with a key backend
 * that must not be reached: these tests are about requests refused before any HSM work, and
 * {@link #hsmCalls()} proves that none was done. Results are rendered as the transport renders
 * them (status and body), so a case that would be a 500 shows as one.
 */
final class ProtocolHarness implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The test account's root, as dev mode calls. */
  static final io.trent.core.auth.RequestScope ROOT = new io.trent.core.auth.RequestScope(new io.trent.core.auth.Caller(
      "111122223333", "arn:aws:iam::111122223333:root", "dev", "us-east-1", false), "kms:*", null, null);
  private final JdbcMetadataStore store;
  private final AtomicInteger hsmCalls = new AtomicInteger();
  final KmsJsonProtocol protocol;

  ProtocolHarness(Path dataDir) {
    store = JdbcMetadataStore.openEmbedded(dataDir);
    KeyBackend noHsm = (KeyBackend) Proxy.newProxyInstance(KeyBackend.class.getClassLoader(),
        new Class<?>[] {KeyBackend.class}, (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.getName().equals("equals") ? proxy == args[0]
                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "no HSM";
          }
          hsmCalls.incrementAndGet();
          throw new HsmCallRefused(method.getName());
        });
    protocol = new KmsJsonProtocol(
        KmsServices.create(noHsm, store, new ServiceIdentity("aws", "us-east-1", "111122223333"), Clock.systemUTC()));
    hsmCalls.set(0);
  }

  /** What the key backend of these tests throws when anything reaches it. */
  static final class HsmCallRefused extends RuntimeException {
    HsmCallRefused(String method) {
      super("HSM call " + method + " in a protocol test");
    }
  }

  /** What a client would see. */
  record Outcome(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String errorType() {
      return status == 200 ? null : json().path("__type").asText(null);
    }

    String message() {
      return json().path("message").asText(null);
    }
  }

  Outcome call(String operation, String body) {
    return call(operation, body.getBytes(StandardCharsets.UTF_8));
  }

  Outcome call(String operation, byte[] body) {
    return call(operation, body, null);
  }

  /** A call by a SigV4-verified caller (null: unsigned, as in dev mode). */
  Outcome call(String operation, String body, Caller caller) {
    return call(operation, body.getBytes(StandardCharsets.UTF_8), caller);
  }

  private Outcome call(String operation, byte[] body, Caller caller) {
    try {
      return new Outcome(200, new String(protocol.handle(operation, body, caller, null), StandardCharsets.UTF_8));
    } catch (KmsException e) {
      return new Outcome(e.httpStatus(), new String(KmsJsonProtocol.errorBody(e), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return new Outcome(500, "{\"__type\":\"InternalFailure\",\"message\":\"" + e.getClass().getSimpleName() + "\"}");
    }
  }

  int hsmCalls() {
    return hsmCalls.get();
  }

  @Override
  public void close() {
    store.close();
  }
}
