package io.trent.pkcs11;

import io.trent.core.error.DependencyTimeoutException;
import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;

/**
 * A {@link KeyBackend} that keeps every KMS key as token objects in a PKCS#11 token, through
 * ipkcs11wrapper: an AES-256 key for symmetric keys, an RSA or EC key pair for asymmetric keys, a
 * generic secret for HMAC keys, all sensitive and non-extractable and named by the key material id
 * (CKA_ID).
 *
 * <p>Requests run on a bounded {@link Pkcs11SessionPool}; a long-lived anchor session holds the
 * login and manages key objects. Requests share a read lock on the module; a reset (C_Finalize,
 * C_Initialize, log in again) takes the write lock, because C_Finalize while another thread is
 * inside the library crashes it. Creating and destroying token objects is serialized per token
 * (see {@link ObjectWriteLock}); key pairs, HMAC keys and imports are created on pool
 * sessions, so a slow RSA key generation does not hold the anchor session.
 *
 * <p>Failure handling: a failed GCM tag is {@link InvalidCiphertextException}; a missing key object
 * is {@link io.trent.core.error.KeyUnavailableException}; no free session within the borrow timeout
 * (or a reset in progress) is {@link DependencyTimeoutException}; every other PKCS#11 error fails
 * the request with {@link KmsInternalException} after discarding the session, retrying once first
 * when only a key handle or a pool session went stale. A lost login is repaired by logging in
 * again; a lost device, token or anchor session by resetting the module.
 *
 * <p>Nothing secret is logged or put into exception messages: no PIN, plaintext or key bytes.
 */
public final class Pkcs11KeyBackend implements KeyBackend {

  private static final Logger LOG = LoggerFactory.getLogger(Pkcs11KeyBackend.class);
  private static final int MAX_RANDOM_BYTES = 1024;
  private static final long RECONNECT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Work done on a live connection; PKCS#11 errors are classified by the caller. */
  @FunctionalInterface
  private interface ConnectionWork<T> {
    T run(TokenConnection connection) throws PKCS11Exception, AnchorSessionException;
  }

  /** Work done on one borrowed session with the handle of one KMS key. */
  @FunctionalInterface
  private interface KeyWork<T> {
    T run(Session session, long key) throws PKCS11Exception;
  }

  /** Work done on one borrowed session with the handle(s) of one key of some kind. */
  @FunctionalInterface
  private interface HandleWork<H, T> {
    T run(Session session, H handle) throws PKCS11Exception;
  }

  /** Work done on one borrowed session. */
  @FunctionalInterface
  private interface SessionWork<T> {
    T run(Session session) throws PKCS11Exception;
  }

  /** Work that creates or destroys token objects on a borrowed session, holding the object-write lock. */
  @FunctionalInterface
  private interface ObjectWriteWork<T> {
    T run(TokenConnection connection, Session session) throws PKCS11Exception;
  }

  private final Pkcs11Settings settings;
  private final PKCS11Module module;
  private final char[] pin;
  private final boolean sessionCopies;
  private final AesGcm gcm;
  private final Set<DataKeyPairSpec> supportedSpecs;
  private final long lockTimeoutNanos;
  private final ReentrantReadWriteLock moduleLock = new ReentrantReadWriteLock();
  private final AtomicInteger failedHealthChecks = new AtomicInteger();
  private final RsaOaep rsaOaep = new RsaOaep();
  private final KeyImporter importer;
  private final Object wrappingProbeLock = new Object();
  // A property of the token, found out on first use (it costs an RSA key generation); kept across resets.
  private volatile Set<WrappingAlgorithm> wrappingAlgorithms;

  // Written under the write lock only; volatile so that the fast paths may peek without it.
  private volatile TokenConnection connection;
  private volatile long generation;
  private volatile boolean closed;
  private volatile String description;
  private long lastReconnectNanos;

  private Pkcs11KeyBackend(Pkcs11Settings settings, PKCS11Module module, char[] pin,
                           boolean sessionCopies, TokenConnection connection,
                           Set<DataKeyPairSpec> supportedSpecs) {
    this.settings = settings;
    this.module = module;
    this.pin = pin;
    this.sessionCopies = sessionCopies;
    this.gcm = new AesGcm(GcmIvPolicy.of(settings.ivSource()));
    this.importer = new KeyImporter(gcm);
    this.supportedSpecs = Collections.unmodifiableSet(supportedSpecs);
    this.lockTimeoutNanos = settings.borrowTimeout().toNanos();
    this.connection = connection;
    this.description = connection.description;
  }

  /**
   * Initializes the PKCS#11 module (with CKF_OS_LOCKING_OK), finds the token by its trimmed label,
   * logs in on an anchor session and checks that the token offers CKM_AES_GCM.
   *
   * @throws IllegalStateException when the library cannot be loaded or initialized (also when
   *     another component of this JVM holds it initialized), the token is missing, lacks AES-GCM,
   *     or refuses the PIN; the message never contains the PIN
   */
  public static Pkcs11KeyBackend open(Pkcs11Settings settings) {
    return open(settings, true);
  }

  /** As {@link #open(Pkcs11Settings)}; {@code sessionCopies=false} exists to measure the difference. */
  static Pkcs11KeyBackend open(Pkcs11Settings settings, boolean sessionCopies) {
    Objects.requireNonNull(settings, "settings");
    PKCS11Module module = LoadedModules.module(settings.library());
    try {
      if (!LoadedModules.initialize(module)) {
        throw new IllegalStateException("The PKCS#11 library " + settings.library()
            + " is already initialized in this JVM; close the backend that uses it first.");
      }
    } catch (PKCS11Exception e) {
      throw new IllegalStateException("C_Initialize with CKF_OS_LOCKING_OK failed for "
          + settings.library() + ": " + e.getErrorName(), e);
    }
    char[] pin = settings.pin().clone();
    TokenConnection connection = null;
    try {
      connection = TokenConnection.open(module, settings, pin, sessionCopies);
      Set<DataKeyPairSpec> specs = KeyPairSpecProbe.probe(connection);
      Pkcs11KeyBackend backend = new Pkcs11KeyBackend(settings, module, pin, sessionCopies, connection, specs);
      LOG.info("Opened {}", backend.description);
      return backend;
    } catch (RuntimeException e) {
      if (connection != null) {
        connection.close();
      }
      LoadedModules.finalizeQuietly(module);
      Arrays.fill(pin, '\0');
      throw e;
    }
  }

  @Override
  public void createSymmetricKey(KeyMaterialId id, String keyId) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(keyId, "keyId");
    execute("CreateKey", connection -> {
      connection.keys.create(id, keyId);
      return null;
    });
  }

  @Override
  public void destroyKey(KeyMaterialId id) {
    Objects.requireNonNull(id, "id");
    execute("DestroyKey", connection -> {
      connection.keys.destroy(id);
      return null;
    });
  }

  @Override
  public boolean keyExists(KeyMaterialId id) {
    Objects.requireNonNull(id, "id");
    return execute("KeyExists", connection -> connection.keys.exists(id));
  }

  @Override
  public byte[] generateRandom(int length) {
    requireRandomLength(length);
    return execute("GenerateRandom", connection ->
        onPooledSession(connection, session -> session.generateRandom(length)));
  }

  @Override
  public SealedBytes encrypt(KeyMaterialId key, byte[] plaintext, byte[] aad) {
    Objects.requireNonNull(key, "key");
    if (plaintext == null || plaintext.length == 0) {
      // An empty C_Encrypt leaves the session with an operation that never ends.
      throw new ValidationException("The plaintext must be at least one byte long.");
    }
    return withKey("Encrypt", key, (session, handle) -> gcm.encrypt(session, handle, plaintext, aad));
  }

  @Override
  public GeneratedDataKey generateDataKey(KeyMaterialId key, int length, byte[] aad) {
    Objects.requireNonNull(key, "key");
    requireRandomLength(length);
    return withKey("GenerateDataKey", key, (session, handle) -> gcm.generateDataKey(session, handle, length, aad));
  }

  @Override
  public byte[] decrypt(KeyMaterialId key, byte[] iv, byte[] ciphertextAndTag, byte[] aad) {
    Objects.requireNonNull(key, "key");
    if (iv == null || iv.length != GcmIvPolicy.IV_LENGTH
        || ciphertextAndTag == null || ciphertextAndTag.length <= GcmIvPolicy.TAG_LENGTH) {
      throw new InvalidCiphertextException();
    }
    return withKey("Decrypt", key, (session, handle) -> gcm.decrypt(session, handle, iv, ciphertextAndTag, aad));
  }

  @Override
  public GeneratedKeyPair generateDataKeyPair(KeyMaterialId key, DataKeyPairSpec spec, byte[] aad) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(spec, "spec");
    KeyPairAlgorithm algorithm = KeyPairAlgorithm.of(spec)
        .filter(candidate -> supportedSpecs.contains(spec))
        .orElseThrow(() -> new KmsUnsupportedOperationException("KeyPairSpec " + spec
            + " is not supported by this HSM."));
    return withKey("GenerateDataKeyPair", key, (session, handle) -> {
      KeyPairDer pair = DataKeyPairGenerator.generate(session, algorithm);
      try {
        SealedBytes sealed = gcm.encrypt(session, handle, pair.privateKeyInfo(), aad);
        return new GeneratedKeyPair(pair.publicKeyInfo(), pair.privateKeyInfo(), sealed);
      } catch (PKCS11Exception | RuntimeException e) {
        pair.wipe();
        throw e;
      }
    });
  }

  @Override
  public Set<DataKeyPairSpec> supportedKeyPairSpecs() {
    return supportedSpecs;
  }

  /**
   * Generates the key pair as token objects. The token must be able to generate the spec (the same
   * probe as for data key pairs): RSA_2048/3072/4096, the NIST curves and secp256k1 on SoftHSM2.
   *
   * @throws IllegalArgumentException for a symmetric or HMAC spec
   */
  @Override
  public byte[] createAsymmetricKey(KeyMaterialId id, String keyId, KeySpec spec, KeyUsage usage) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(spec, "spec");
    KeyPairAlgorithm algorithm = KeyPairAlgorithm.of(spec)
        .filter(candidate -> supportedSpecs.contains(candidate.spec()))
        .orElseThrow(() -> new KmsUnsupportedOperationException("KeySpec " + spec + " is not supported by this HSM."));
    KeyPairHandle pair = writingObjects("CreateKey", (connection, session) ->
        connection.keyPairs.create(session, id, keyId, algorithm, usage));
    return pair.publicKeyInfo().clone();
  }

  /** @throws IllegalArgumentException for a spec that is not HMAC_224/256/384/512 */
  @Override
  public void createHmacKey(KeyMaterialId id, String keyId, KeySpec spec) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(keyId, "keyId");
    if (!Hmac.isHmacSpec(Objects.requireNonNull(spec, "spec"))) {
      throw new IllegalArgumentException("KeySpec " + spec + " is not an HMAC key spec");
    }
    writingObjects("CreateKey", (connection, session) -> {
      connection.hmacKeys.create(session, id, keyId, spec);
      return null;
    });
  }

  @Override
  public byte[] sign(KeyMaterialId id, SigningAlgorithm algorithm, byte[] digest) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(algorithm, "algorithm");
    return withHandle("Sign", id, connection -> connection.keyPairs,
        (session, pair) -> Signer.sign(session, pair, algorithm, digest));
  }

  @Override
  public boolean verify(KeyMaterialId id, SigningAlgorithm algorithm, byte[] digest, byte[] signature) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(algorithm, "algorithm");
    return withHandle("Verify", id, connection -> connection.keyPairs,
        (session, pair) -> Signer.verify(session, pair, algorithm, digest, signature));
  }

  @Override
  public byte[] rsaEncrypt(KeyMaterialId id, EncryptionAlgorithm algorithm, byte[] plaintext) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(algorithm, "algorithm");
    return withHandle("Encrypt", id, connection -> connection.keyPairs,
        (session, pair) -> rsaOaep.encrypt(session, pair, algorithm, plaintext));
  }

  @Override
  public byte[] rsaDecrypt(KeyMaterialId id, EncryptionAlgorithm algorithm, byte[] ciphertext) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(algorithm, "algorithm");
    return withHandle("Decrypt", id, connection -> connection.keyPairs,
        (session, pair) -> rsaOaep.decrypt(session, pair, algorithm, ciphertext));
  }

  @Override
  public byte[] mac(KeyMaterialId id, MacAlgorithm algorithm, byte[] message) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(algorithm, "algorithm");
    if (message == null || message.length == 0) {
      // An empty single-part C_Sign may leave the session with an operation that never ends.
      throw new ValidationException("The message must be at least one byte long.");
    }
    return withHandle("GenerateMac", id, connection -> connection.hmacKeys,
        (session, key) -> Hmac.mac(session, key, algorithm, message));
  }

  /**
   * What the token can unwrap imported material with, found out by trying on first call (see
   * {@link WrappingAlgorithmProbe}); on SoftHSM2 2.6.1 RSAES_OAEP_SHA_1 and RSA_AES_KEY_WRAP_SHA_1.
   */
  @Override
  public Set<WrappingAlgorithm> supportedWrappingAlgorithms() {
    Set<WrappingAlgorithm> known = wrappingAlgorithms;
    if (known != null) {
      return known;
    }
    synchronized (wrappingProbeLock) {
      if (wrappingAlgorithms == null) {
        Set<WrappingAlgorithm> probed = execute("GetParametersForImport", connection ->
            onPooledSession(connection, session -> WrappingAlgorithmProbe.probe(connection.token, session)));
        wrappingAlgorithms = Collections.unmodifiableSet(probed);
      }
      return wrappingAlgorithms;
    }
  }

  @Override
  public ImportWrappingKey createImportWrappingKey(WrappingKeySpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (supportedWrappingAlgorithms().isEmpty()) {
      throw new KmsUnsupportedOperationException("GetParametersForImport is not supported by this HSM.");
    }
    return writingObjects("GetParametersForImport", (connection, session) ->
        ImportWrappingKeys.create(session, spec));
  }

  @Override
  public void destroyImportWrappingKey(String wrappingKeyId) {
    Objects.requireNonNull(wrappingKeyId, "wrappingKeyId");
    writingObjects("DestroyImportWrappingKey", (connection, session) -> {
      ImportWrappingKeys.destroy(session, wrappingKeyId);
      return null;
    });
  }

  /**
   * Unwraps in the token into the KMS key's token object (see {@link KeyImporter}). An unknown or
   * destroyed wrapping key is {@link io.trent.core.error.KeyUnavailableException}.
   */
  @Override
  public void importKey(KeyMaterialId id, String keyId, KeySpec spec, String wrappingKeyId,
                        WrappingAlgorithm algorithm, byte[] encryptedKeyMaterial) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(wrappingKeyId, "wrappingKeyId");
    Objects.requireNonNull(algorithm, "algorithm");
    KeyImporter.keyLength(spec); // refuses asymmetric specs before touching the token
    if (!supportedWrappingAlgorithms().contains(algorithm)) {
      throw new KmsUnsupportedOperationException("WrappingAlgorithm " + algorithm + " is not supported by this HSM.");
    }
    writingObjects("ImportKeyMaterial", (connection, session) -> {
      importer.importKey(session, id, keyId, spec, ImportWrappingKeys.privateKey(session, wrappingKeyId),
          algorithm, encryptedKeyMaterial);
      return null;
    });
  }

  /** Trent's token objects by label (see {@link ObjectInventory}); reads every token object. */
  @Override
  public List<BackendObject> listObjects() {
    return execute("ListObjects", connection -> onPooledSession(connection, ObjectInventory::list));
  }

  /**
   * True when the token answers C_GetTokenInfo and the anchor session is still logged in. A lost
   * login is repaired on the spot; a token that fails two checks in a row gets the module reset.
   */
  @Override
  public boolean isHealthy() {
    if (closed) {
      return false;
    }
    if (connection == null) {
      reconnectIfDue();
    }
    Lock readLock = moduleLock.readLock();
    if (!readLock.tryLock()) {
      return false; // a reset is running
    }
    Pkcs11Recovery recovery;
    long observed;
    try {
      observed = generation;
      TokenConnection current = connection;
      if (current == null) {
        return false;
      }
      if (!current.tokenAnswers()) {
        if (failedHealthChecks.incrementAndGet() < 2) {
          return false;
        }
        recovery = Pkcs11Recovery.RESET_MODULE;
      } else {
        failedHealthChecks.set(0);
        try {
          if (current.anchor.isLoggedIn()) {
            return true;
          }
          recovery = Pkcs11Recovery.LOGIN_AGAIN;
        } catch (AnchorSessionException e) {
          recovery = Pkcs11Recovery.RESET_MODULE;
        }
      }
    } finally {
      readLock.unlock();
    }
    LOG.warn("HSM health check failed; recovery: {}", recovery);
    repair(recovery, observed);
    return false;
  }

  @Override
  public String describe() {
    return description;
  }

  /**
   * Closes the pool, logs out, closes the anchor session and finalizes the module, so that a later
   * {@link #open} in this JVM starts afresh. Waits for requests in flight.
   */
  @Override
  public void close() {
    moduleLock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      generation++;
      TokenConnection current = connection;
      connection = null;
      if (current != null) {
        current.close();
      }
      LoadedModules.finalizeQuietly(module);
      Arrays.fill(pin, '\0');
      LOG.info("Closed {}", description);
    } finally {
      moduleLock.writeLock().unlock();
    }
  }

  /** The wrapper's module, for tests that inspect the token or simulate failures. */
  PKCS11Module module() {
    return module;
  }

  private <T> T withKey(String operation, KeyMaterialId id, KeyWork<T> work) {
    return withHandle(operation, id, connection -> connection.keys,
        (session, key) -> work.run(session, key.operational()));
  }

  /** Resolves a key's handle(s) of one kind and runs work with them on a pooled session. */
  private <H, T> T withHandle(String operation, KeyMaterialId id,
                              Function<TokenConnection, KeyHandleCache<H>> kind, HandleWork<H, T> work) {
    return execute(operation, connection -> {
      KeyHandleCache<H> handles = kind.apply(connection);
      H handle = handles.resolve(id);
      try {
        return onPooledSession(connection, session -> work.run(session, handle));
      } catch (PKCS11Exception e) {
        if (Pkcs11Recovery.after(e.getErrorCode(), false) == Pkcs11Recovery.RETRY_WITH_FRESH_HANDLE) {
          handles.forget(id, handle);
        }
        throw e;
      }
    });
  }

  /** Runs token-object creation or destruction on a pooled session, one at a time per token. */
  private <T> T writingObjects(String operation, ObjectWriteWork<T> work) {
    return execute(operation, connection -> {
      connection.objectWrites.acquire();
      try {
        return onPooledSession(connection, session -> work.run(connection, session));
      } finally {
        connection.objectWrites.release();
      }
    });
  }

  /**
   * Runs work on a borrowed session. The session goes back to the pool after success or a KMS
   * error (a failed tag ends the PKCS#11 operation); after anything else it is discarded, because
   * an operation may still be active on it.
   */
  private static <T> T onPooledSession(TokenConnection connection, SessionWork<T> work)
      throws PKCS11Exception {
    Session session = connection.pool.borrow();
    boolean reusable = false;
    try {
      T result = work.run(session);
      reusable = true;
      return result;
    } catch (KmsException e) {
      reusable = true;
      throw e;
    } finally {
      if (reusable) {
        connection.pool.giveBack(session);
      } else {
        connection.pool.discard(session);
      }
    }
  }

  /** Runs work under the module read lock, turning PKCS#11 errors into KMS errors and repairs. */
  private <T> T execute(String operation, ConnectionWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      if (connection == null && !closed) {
        reconnectIfDue();
      }
      Lock readLock = acquireReadLock();
      Pkcs11Recovery recovery;
      String errorName;
      Exception cause;
      long observed;
      try {
        TokenConnection current = liveConnection();
        observed = generation;
        try {
          return work.run(current);
        } catch (AnchorSessionException e) {
          recovery = Pkcs11Recovery.after(e.errorCode(), true);
          errorName = e.errorName();
          cause = e;
        } catch (PKCS11Exception e) {
          recovery = Pkcs11Recovery.after(e.getErrorCode(), false);
          errorName = e.getErrorName();
          cause = e;
        } catch (KmsException e) {
          throw e;
        } catch (RuntimeException e) {
          LOG.warn("{} failed in the HSM backend: {}", operation, e.toString());
          throw new KmsInternalException("The HSM backend failed during " + operation + ".", e);
        }
      } finally {
        readLock.unlock();
      }
      if (attempt == 1 && (recovery == Pkcs11Recovery.RETRY_WITH_FRESH_HANDLE
          || recovery == Pkcs11Recovery.RETRY_WITH_FRESH_SESSION)) {
        LOG.debug("{} got {}; retrying once ({})", operation, errorName, recovery);
        continue;
      }
      if (recovery == Pkcs11Recovery.RETRY_WITH_FRESH_SESSION) {
        recovery = Pkcs11Recovery.RESET_MODULE; // a fresh session failed the same way
      }
      LOG.warn("{} failed in the HSM with {}; recovery: {}", operation, errorName, recovery);
      repair(recovery, observed);
      throw new KmsInternalException("The HSM failed during " + operation + " (" + errorName
          + "); retry the request.", cause);
    }
  }

  private Lock acquireReadLock() {
    Lock readLock = moduleLock.readLock();
    try {
      if (readLock.tryLock(lockTimeoutNanos, TimeUnit.NANOSECONDS)) {
        return readLock;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new DependencyTimeoutException("The HSM connection is being reset; retry the request.");
  }

  private TokenConnection liveConnection() {
    TokenConnection current = connection;
    if (current != null) {
      return current;
    }
    if (closed) {
      throw new KmsInternalException("The HSM key backend is closed.");
    }
    throw new KmsInternalException("The HSM token '" + settings.tokenLabel().trim()
        + "' is unreachable; reconnecting.");
  }

  /** Logs in again or resets the module; called without the read lock (it cannot be upgraded). */
  private void repair(Pkcs11Recovery recovery, long observedGeneration) {
    if (recovery == Pkcs11Recovery.LOGIN_AGAIN) {
      Lock readLock = moduleLock.readLock();
      if (!readLock.tryLock()) {
        return; // a reset is running and will log in anyway
      }
      try {
        TokenConnection current = connection;
        if (current == null || generation != observedGeneration) {
          return;
        }
        current.anchor.login();
        LOG.info("Logged in to {} again", current.description);
        return;
      } catch (AnchorSessionException e) {
        LOG.warn("Logging in again failed with {}; resetting the module", e.errorName());
      } finally {
        readLock.unlock();
      }
      reset(observedGeneration);
    } else if (recovery == Pkcs11Recovery.RESET_MODULE) {
      reset(observedGeneration);
    }
  }

  /** Resets the module unless another thread already did since the failure was observed. */
  private void reset(long observedGeneration) {
    moduleLock.writeLock().lock();
    try {
      if (!closed && generation == observedGeneration) {
        resetLocked();
      }
    } finally {
      moduleLock.writeLock().unlock();
    }
  }

  /** While the token is unreachable, tries to reconnect at most once a second. */
  private void reconnectIfDue() {
    Lock writeLock = moduleLock.writeLock();
    try {
      if (!writeLock.tryLock(lockTimeoutNanos, TimeUnit.NANOSECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      if (!closed && connection == null && System.nanoTime() - lastReconnectNanos >= RECONNECT_INTERVAL_NANOS) {
        resetLocked();
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Drains and closes everything, C_Finalize, C_Initialize, logs in again. Holds the write lock. */
  private void resetLocked() {
    generation++;
    failedHealthChecks.set(0);
    TokenConnection old = connection;
    connection = null;
    if (old != null) {
      old.close();
    }
    LoadedModules.finalizeQuietly(module);
    lastReconnectNanos = System.nanoTime();
    try {
      LoadedModules.initialize(module);
      TokenConnection fresh = TokenConnection.open(module, settings, pin, sessionCopies);
      description = fresh.description;
      connection = fresh;
      LOG.info("Reset the PKCS#11 module; reconnected to {}", fresh.description);
    } catch (PKCS11Exception e) {
      LOG.error("Resetting the PKCS#11 module failed: C_Initialize returned {}", e.getErrorName());
    } catch (RuntimeException e) {
      LOG.error("Resetting the PKCS#11 module failed: {}", e.getMessage());
    }
  }

  private static void requireRandomLength(int length) {
    if (length < 1 || length > MAX_RANDOM_BYTES) {
      throw new ValidationException("The number of random bytes must be between 1 and "
          + MAX_RANDOM_BYTES + ", was " + length + ".");
    }
  }
}
