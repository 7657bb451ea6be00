package io.trent.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trent.core.error.KmsException;
import io.trent.core.key.DataKeyPairSpec;
import io.trent.core.key.EncryptionAlgorithm;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.MacAlgorithm;
import io.trent.core.key.SigningAlgorithm;
import io.trent.core.key.WrappingAlgorithm;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.spi.BackendObject;
import io.trent.core.spi.GeneratedDataKey;
import io.trent.core.spi.GeneratedKeyPair;
import io.trent.core.spi.ImportWrappingKey;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.SealedBytes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link KeyBackend} that times every HSM call: {@code trent.hsm.calls}, tagged with the call ({@code operation},
 * the SPI method), the {@code mechanism} (the KMS algorithm or spec that selects the PKCS#11 mechanism:
 * {@code AES_GCM}, {@code ECDSA_SHA_256}, {@code RSA_2048}...) and the {@code outcome} ({@code success}, or the
 * KMS error type the call failed with, or {@code fault} for anything else). The time includes waiting for a pool
 * session. Key ids are never tags. Here in the server rather than in the PKCS#11 backend, which knows no metrics.
 */
public final class MeteredKeyBackend implements KeyBackend {
  static final String NAME = "trent.hsm.calls";
  private static final String AES_GCM = "AES_GCM";

  private final KeyBackend hsm;
  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public MeteredKeyBackend(KeyBackend hsm, MeterRegistry registry) {
    this.hsm = hsm;
    this.registry = registry;
  }

  /** The backend this one times (for what needs the PKCS#11 backend itself, such as the audit signer). */
  public KeyBackend unwrap() {
    return hsm;
  }

  private <T> T timed(String operation, String mechanism, Supplier<T> call) {
    long start = System.nanoTime();
    String outcome = "success";
    try {
      return call.get();
    } catch (KmsException e) {
      outcome = e.errorType();
      throw e;
    } catch (RuntimeException | Error e) {
      outcome = "fault";
      throw e;
    } finally {
      timer(operation, mechanism, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private void timedRun(String operation, String mechanism, Runnable call) {
    timed(operation, mechanism, () -> {
      call.run();
      return null;
    });
  }

  private Timer timer(String operation, String mechanism, String outcome) {
    // One string per call; a registry lookup would build and sort tags each time.
    return timers.computeIfAbsent(operation + ' ' + mechanism + ' ' + outcome, k -> Timer.builder(NAME)
        .description("HSM calls, including the wait for a session")
        .tag("operation", operation)
        .tag("mechanism", mechanism)
        .tag("outcome", outcome)
        .serviceLevelObjectives(LatencyBuckets.BOUNDARIES)
        .register(registry));
  }

  @Override
  public void createSymmetricKey(KeyMaterialId id, String keyId) {
    timedRun("createSymmetricKey", "AES_256", () -> hsm.createSymmetricKey(id, keyId));
  }

  @Override
  public void destroyKey(KeyMaterialId id) {
    timedRun("destroyKey", "none", () -> hsm.destroyKey(id));
  }

  @Override
  public boolean keyExists(KeyMaterialId id) {
    return timed("keyExists", "none", () -> hsm.keyExists(id));
  }

  @Override
  public byte[] generateRandom(int length) {
    return timed("generateRandom", "RNG", () -> hsm.generateRandom(length));
  }

  @Override
  public SealedBytes encrypt(KeyMaterialId key, byte[] plaintext, byte[] aad) {
    return timed("encrypt", AES_GCM, () -> hsm.encrypt(key, plaintext, aad));
  }

  @Override
  public GeneratedDataKey generateDataKey(KeyMaterialId key, int length, byte[] aad) {
    return timed("generateDataKey", AES_GCM, () -> hsm.generateDataKey(key, length, aad));
  }

  @Override
  public byte[] decrypt(KeyMaterialId key, byte[] iv, byte[] ciphertextAndTag, byte[] aad) {
    return timed("decrypt", AES_GCM, () -> hsm.decrypt(key, iv, ciphertextAndTag, aad));
  }

  @Override
  public GeneratedKeyPair generateDataKeyPair(KeyMaterialId key, DataKeyPairSpec spec, byte[] aad) {
    return timed("generateDataKeyPair", spec.name(), () -> hsm.generateDataKeyPair(key, spec, aad));
  }

  @Override
  public Set<DataKeyPairSpec> supportedKeyPairSpecs() {
    return hsm.supportedKeyPairSpecs();
  }

  @Override
  public boolean isHealthy() {
    return hsm.isHealthy();
  }

  @Override
  public String describe() {
    return hsm.describe();
  }

  @Override
  public String tokenSerial() {
    return hsm.tokenSerial();
  }

  @Override
  public byte[] createAsymmetricKey(KeyMaterialId id, String keyId, KeySpec spec, KeyUsage usage) {
    return timed("createAsymmetricKey", spec.name(), () -> hsm.createAsymmetricKey(id, keyId, spec, usage));
  }

  @Override
  public void createHmacKey(KeyMaterialId id, String keyId, KeySpec spec) {
    timedRun("createHmacKey", spec.name(), () -> hsm.createHmacKey(id, keyId, spec));
  }

  @Override
  public byte[] sign(KeyMaterialId id, SigningAlgorithm algorithm, byte[] digest) {
    return timed("sign", algorithm.name(), () -> hsm.sign(id, algorithm, digest));
  }

  @Override
  public boolean verify(KeyMaterialId id, SigningAlgorithm algorithm, byte[] digest, byte[] signature) {
    return timed("verify", algorithm.name(), () -> hsm.verify(id, algorithm, digest, signature));
  }

  @Override
  public byte[] rsaEncrypt(KeyMaterialId id, EncryptionAlgorithm algorithm, byte[] plaintext) {
    return timed("rsaEncrypt", algorithm.name(), () -> hsm.rsaEncrypt(id, algorithm, plaintext));
  }

  @Override
  public byte[] rsaDecrypt(KeyMaterialId id, EncryptionAlgorithm algorithm, byte[] ciphertext) {
    return timed("rsaDecrypt", algorithm.name(), () -> hsm.rsaDecrypt(id, algorithm, ciphertext));
  }

  @Override
  public byte[] mac(KeyMaterialId id, MacAlgorithm algorithm, byte[] message) {
    return timed("mac", algorithm.name(), () -> hsm.mac(id, algorithm, message));
  }

  @Override
  public Set<WrappingAlgorithm> supportedWrappingAlgorithms() {
    return hsm.supportedWrappingAlgorithms();
  }

  @Override
  public ImportWrappingKey createImportWrappingKey(WrappingKeySpec spec) {
    return timed("createImportWrappingKey", spec.name(), () -> hsm.createImportWrappingKey(spec));
  }

  @Override
  public void destroyImportWrappingKey(String wrappingKeyId) {
    timedRun("destroyImportWrappingKey", "none", () -> hsm.destroyImportWrappingKey(wrappingKeyId));
  }

  @Override
  public void importKey(KeyMaterialId id, String keyId, KeySpec spec, String wrappingKeyId,
      WrappingAlgorithm algorithm, byte[] encryptedKeyMaterial) {
    timedRun("importKey", algorithm.name(),
        () -> hsm.importKey(id, keyId, spec, wrappingKeyId, algorithm, encryptedKeyMaterial));
  }

  @Override
  public List<BackendObject> listObjects() {
    return timed("listObjects", "none", hsm::listObjects);
  }

  @Override
  public SealedBytes seal(byte[] aad, byte[] secret) {
    return timed("seal", AES_GCM, () -> hsm.seal(aad, secret));
  }

  @Override
  public byte[] unseal(byte[] aad, SealedBytes sealed) {
    return timed("unseal", AES_GCM, () -> hsm.unseal(aad, sealed));
  }

  @Override
  public void close() {
    hsm.close();
  }
}
