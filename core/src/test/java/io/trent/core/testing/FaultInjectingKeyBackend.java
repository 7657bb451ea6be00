package io.trent.core.testing;

import io.trent.core.error.KmsInternalException;
import io.trent.core.key.DataKeyPairSpec;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.MacAlgorithm;
import io.trent.core.key.WrappingAlgorithm;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.spi.GeneratedDataKey;
import io.trent.core.spi.GeneratedKeyPair;
import io.trent.core.spi.ImportWrappingKey;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.SealedBytes;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link SoftwareKeyBackend} whose key generation a core unit test can make fail (as an HSM
 * fault would), and whose next key generation or destroyKey can run an action first (to interleave
 * two requests, or a request with maintenance).
 */
public final class FaultInjectingKeyBackend implements KeyBackend {
  private final SoftwareKeyBackend delegate = new SoftwareKeyBackend();
  private volatile boolean failKeyGeneration;
  private final AtomicInteger keyGenerations = new AtomicInteger();
  private final AtomicReference<Runnable> beforeDestroy = new AtomicReference<>();
  private final AtomicReference<Runnable> beforeGeneration = new AtomicReference<>();

  /** From now on, creating symmetric key material fails with a retryable HSM fault (or works again). */
  public void failKeyGeneration(boolean fail) {
    failKeyGeneration = fail;
  }

  /** How many times symmetric key material was asked for, successfully or not. */
  public int keyGenerations() {
    return keyGenerations.get();
  }

  /** Runs {@code action} once, at the start of the next destroyKey. */
  public void beforeNextDestroy(Runnable action) {
    beforeDestroy.set(action);
  }

  /** Runs {@code action} once, at the start of the next creation of symmetric key material. */
  public void beforeNextKeyGeneration(Runnable action) {
    beforeGeneration.set(action);
  }

  @Override
  public void createSymmetricKey(KeyMaterialId id, String keyId) {
    keyGenerations.incrementAndGet();
    Runnable action = beforeGeneration.getAndSet(null);
    if (action != null) {
      action.run();
    }
    if (failKeyGeneration) {
      throw new KmsInternalException("injected HSM fault: C_GenerateKey failed");
    }
    delegate.createSymmetricKey(id, keyId);
  }

  @Override
  public void createHmacKey(KeyMaterialId id, String keyId, KeySpec spec) {
    delegate.createHmacKey(id, keyId, spec);
  }

  @Override
  public byte[] mac(KeyMaterialId id, MacAlgorithm algorithm, byte[] message) {
    return delegate.mac(id, algorithm, message);
  }

  @Override
  public void destroyKey(KeyMaterialId id) {
    Runnable action = beforeDestroy.getAndSet(null);
    if (action != null) {
      action.run();
    }
    delegate.destroyKey(id);
  }

  @Override
  public boolean keyExists(KeyMaterialId id) {
    return delegate.keyExists(id);
  }

  @Override
  public byte[] generateRandom(int length) {
    return delegate.generateRandom(length);
  }

  @Override
  public SealedBytes encrypt(KeyMaterialId key, byte[] plaintext, byte[] aad) {
    return delegate.encrypt(key, plaintext, aad);
  }

  @Override
  public GeneratedDataKey generateDataKey(KeyMaterialId key, int length, byte[] aad) {
    return delegate.generateDataKey(key, length, aad);
  }

  @Override
  public byte[] decrypt(KeyMaterialId key, byte[] iv, byte[] ciphertextAndTag, byte[] aad) {
    return delegate.decrypt(key, iv, ciphertextAndTag, aad);
  }

  @Override
  public GeneratedKeyPair generateDataKeyPair(KeyMaterialId key, DataKeyPairSpec spec, byte[] aad) {
    return delegate.generateDataKeyPair(key, spec, aad);
  }

  @Override
  public Set<DataKeyPairSpec> supportedKeyPairSpecs() {
    return delegate.supportedKeyPairSpecs();
  }

  @Override
  public Set<WrappingAlgorithm> supportedWrappingAlgorithms() {
    return delegate.supportedWrappingAlgorithms();
  }

  @Override
  public java.util.List<io.trent.core.spi.BackendObject> listObjects() {
    return delegate.listObjects();
  }

  @Override
  public ImportWrappingKey createImportWrappingKey(WrappingKeySpec spec) {
    return delegate.createImportWrappingKey(spec);
  }

  @Override
  public void destroyImportWrappingKey(String wrappingKeyId) {
    delegate.destroyImportWrappingKey(wrappingKeyId);
  }

  @Override
  public void importKey(KeyMaterialId id, String keyId, KeySpec spec, String wrappingKeyId,
      WrappingAlgorithm algorithm, byte[] encryptedKeyMaterial) {
    delegate.importKey(id, keyId, spec, wrappingKeyId, algorithm, encryptedKeyMaterial);
  }

  @Override
  public boolean isHealthy() {
    return true;
  }

  @Override
  public String describe() {
    return "fault-injecting software test backend";
  }

  @Override
  public void close() {}
}
