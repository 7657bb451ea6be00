package io.trent.benchmark;

import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.api.DataKeyResult;
import io.trent.core.api.GenerateDataKeyRequest;
import io.trent.core.key.ServiceIdentity;
import io.trent.metadata.jdbc.JdbcMetadataStore;
import io.trent.pkcs11.GcmIvSource;
import io.trent.pkcs11.Pkcs11KeyBackend;
import io.trent.pkcs11.Pkcs11Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

/**
 * Trent's core and backend without HTTP: {@code KmsServices.dataKeys().generateDataKey(ROOT, ...)} called
 * directly by T threads, on a backend whose session pool has T sessions. The difference from the
 * raw rate is the Java cost of validation, key resolution, blob assembly and the session pool.
 */
final class InProcessTrent implements AutoCloseable {
  // In process there is no HTTP edge: requests are the account root's, allowed without a policy check.
  private static final io.trent.core.auth.RequestScope ROOT = new io.trent.core.auth.RequestScope(
      new io.trent.core.auth.Caller("111122223333", "arn:aws:iam::111122223333:root", "benchmark", "us-east-1", false),
      "kms:GenerateDataKey", null, null);

  private final Pkcs11KeyBackend backend;
  private final JdbcMetadataStore store;
  private final KmsServices services;
  private final String keyId;

  private InProcessTrent(Pkcs11KeyBackend backend, JdbcMetadataStore store, KmsServices services, String keyId) {
    this.backend = backend;
    this.store = store;
    this.services = services;
    this.keyId = keyId;
  }

  static InProcessTrent open(Path library, String tokenLabel, char[] pin, int sessions, Path dataDir) {
    Pkcs11KeyBackend backend = Pkcs11KeyBackend.open(new Pkcs11Settings(library, tokenLabel, pin, sessions,
        Duration.ofSeconds(10), GcmIvSource.TOKEN_RNG));
    JdbcMetadataStore store = null;
    try {
      store = JdbcMetadataStore.openEmbedded(dataDir);
      KmsServices services = KmsServices.create(backend, store,
          new ServiceIdentity("aws", "us-east-1", "111122223333"), Clock.systemUTC());
      String keyId = services.keys().createKey(ROOT, 
          new CreateKeyRequest(null, "benchmark", null, null, null, null, null, null, false, null)).keyId();
      return new InProcessTrent(backend, store, services, keyId);
    } catch (RuntimeException | Error e) {
      if (store != null) {
        store.close();
      }
      backend.close();
      throw e;
    }
  }

  Rate measure(int threads, Duration warmup, Duration duration) throws Exception {
    GenerateDataKeyRequest request = new GenerateDataKeyRequest(keyId, "AES_256", null, null, null, false);
    return RateMeter.measure("inprocess", threads, warmup, duration, index -> () -> {
      DataKeyResult result = services.dataKeys().generateDataKey(ROOT, request);
      Arrays.fill(result.plaintext(), (byte) 0); // as the protocol layer does
    });
  }

  @Override
  public void close() {
    try {
      backend.close();
    } finally {
      store.close();
    }
  }
}
