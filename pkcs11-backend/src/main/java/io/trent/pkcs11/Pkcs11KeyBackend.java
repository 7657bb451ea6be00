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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * <p>This class is the key operations; keeping the module and token usable (the connection, the
 * module lock, health, the token object check, recovery from a lost login, token or device) is
 * {@link TokenSupervisor}'s, through which every operation runs.
 *
 * <p>Requests run on a bounded {@link Pkcs11SessionPool}; a long-lived anchor session holds the
 * login and manages key objects. Creating and destroying token objects is serialized per token
 * (see {@link ObjectWriteLock}); key pairs, HMAC keys and imports are created on pool sessions, so
 * a slow RSA key generation does not hold the anchor session.
 *
 * <p>Failure handling: a failed GCM tag is {@link InvalidCiphertextException}; a missing key object
 * is {@link io.trent.core.error.KeyUnavailableException} (only while the token itself answers); no
 * free session within the borrow timeout, a reset in progress or an unreachable token is
 * {@link DependencyTimeoutException}; every other PKCS#11 error fails the request with
 * {@link KmsInternalException} after discarding the session (see {@link TokenSupervisor#execute}).
 *
 * <p>A "bad input" answer from the token (InvalidCiphertextException) is only given after the
 * session and token checked healthy ({@link DataErrors#confirmHealthy}): SoftHSM2 reports a failed
 * GCM tag and an internal fault alike, as CKR_GENERAL_ERROR.
 *
 * <p>A key whose token object was destroyed outside Trent stops working within
 * {@link Pkcs11Settings#objectCheckInterval} (see {@link CheckedHandles} and
 * {@link ObjectCheckSchedule}).
 *
 * <p>Nothing secret is logged or put into exception messages: no PIN, plaintext or key bytes.
 */
public final class Pkcs11KeyBackend implements KeyBackend {

  private static final Logger LOG = LoggerFactory.getLogger(Pkcs11KeyBackend.class);
  private static final int MAX_RANDOM_BYTES = 1024;

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
  interface SessionWork<T> {
    T run(Session session) throws PKCS11Exception;
  }

  /** Work that creates or destroys token objects on a borrowed session, holding the object-write lock. */
  @FunctionalInterface
  private interface ObjectWriteWork<T> {
    T run(TokenConnection connection, Session session) throws PKCS11Exception;
  }

  private final TokenSupervisor supervisor;
  private final AesGcm gcm;
  private final ProbedCapability<Set<DataKeyPairSpec>> keyPairSpecs;
  private final ProbedCapability<Set<WrappingAlgorithm>> wrappingAlgorithms;
  private final RsaOaep rsaOaep = new RsaOaep();
  private final KeyImporter importer;

  // GenerateDataKeyPair pairs made ahead (startKeyPairPool); null when there is none.
  private volatile KeyPairPool keyPairPool;

  private Pkcs11KeyBackend(Pkcs11Settings settings, TokenSupervisor supervisor) {
    this.supervisor = supervisor;
    this.gcm = new AesGcm(GcmIvPolicy.of(settings.ivSource()));
    this.importer = new KeyImporter(gcm);
    // Properties of the token, kept across resets. The wrapping probe costs an RSA key generation,
    // so it runs on first use; the key pair spec probe runs at open.
    this.keyPairSpecs = new ProbedCapability<>("the data key pair specs", () -> Collections.unmodifiableSet(
        execute("ProbeKeyPairSpecs", KeyPairSpecProbe::probe)), System::nanoTime);
    this.wrappingAlgorithms = new ProbedCapability<>("the wrapping algorithms for imports", () ->
        Collections.unmodifiableSet(execute("GetParametersForImport", live -> onPooledSession(live,
            session -> WrappingAlgorithmProbe.probe(live.token, session)))), System::nanoTime);
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
    TokenSupervisor supervisor = TokenSupervisor.open(settings, sessionCopies);
    try {
      Pkcs11KeyBackend backend = new Pkcs11KeyBackend(settings, supervisor);
      backend.keyPairSpecs.get(); // a failure is logged and probed again later
      LOG.info("Opened {}", supervisor.describe());
      return backend;
    } catch (RuntimeException e) {
      supervisor.close();
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
    return execute("KeyExists", connection -> {
      boolean exists = connection.keys.exists(id);
      if (!exists) {
        connection.dropHandles(id); // no later request may use a cached handle or session copy of it
      }
      return exists;
    });
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
        .filter(candidate -> probedKeyPairSpecs().contains(spec))
        .orElseThrow(() -> new KmsUnsupportedOperationException("KeyPairSpec " + spec
            + " is not supported by this HSM."));
    return withKey("GenerateDataKeyPair", key, (session, handle) -> {
      KeyPairPool pool = keyPairPool;
      KeyPairDer pooled = pool == null ? null : pool.take(session, spec, supervisor.generation());
      KeyPairDer pair = pooled != null ? pooled : DataKeyPairGenerator.generate(session, algorithm);
      try {
        SealedBytes sealed = gcm.encrypt(session, handle, pair.privateKeyInfo(), aad);
        return new GeneratedKeyPair(pair.publicKeyInfo(), pair.privateKeyInfo(), sealed);
      } catch (PKCS11Exception | RuntimeException e) {
        pair.wipe();
        throw e;
      }
    });
  }

  /**
   * The specs the token was found to generate. While probing the token fails, every spec the
   * backend knows is offered, so that a request for one fails retryably in the backend rather than
   * as unsupported.
   */
  @Override
  public Set<DataKeyPairSpec> supportedKeyPairSpecs() {
    Set<DataKeyPairSpec> known = keyPairSpecs.get();
    return known != null ? known : KeyPairSpecProbe.CANDIDATES;
  }

  private Set<DataKeyPairSpec> probedKeyPairSpecs() {
    Set<DataKeyPairSpec> known = keyPairSpecs.get();
    if (known == null) {
      throw new KmsInternalException("Probing which key pair specs the HSM supports failed; retry the request.");
    }
    return known;
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
        .filter(candidate -> probedKeyPairSpecs().contains(candidate.spec()))
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
    return withHandle("Sign", id, connection -> connection.checkedKeyPairs,
        (session, pair) -> Signer.sign(session, pair, algorithm, digest));
  }

  /**
   * The public key of a key pair in the token, DER SubjectPublicKeyInfo (the audit signer finds its
   * key with it).
   *
   * @throws io.trent.core.error.KeyUnavailableException when the token has no such pair
   */
  byte[] publicKeyInfo(KeyMaterialId id) {
    Objects.requireNonNull(id, "id");
    return withHandle("GetPublicKey", id, connection -> connection.checkedKeyPairs,
        (session, pair) -> pair.publicKeyInfo().clone());
  }

  @Override
  public boolean verify(KeyMaterialId id, SigningAlgorithm algorithm, byte[] digest, byte[] signature) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(algorithm, "algorithm");
    return withHandle("Verify", id, connection -> connection.checkedKeyPairs,
        (session, pair) -> Signer.verify(session, pair, algorithm, digest, signature));
  }

  @Override
  public byte[] rsaEncrypt(KeyMaterialId id, EncryptionAlgorithm algorithm, byte[] plaintext) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(algorithm, "algorithm");
    return withHandle("Encrypt", id, connection -> connection.checkedKeyPairs,
        (session, pair) -> rsaOaep.encrypt(session, pair, algorithm, plaintext));
  }

  @Override
  public byte[] rsaDecrypt(KeyMaterialId id, EncryptionAlgorithm algorithm, byte[] ciphertext) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(algorithm, "algorithm");
    return withHandle("Decrypt", id, connection -> connection.checkedKeyPairs,
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
    return withHandle("GenerateMac", id, connection -> connection.checkedHmacKeys,
        (session, key) -> Hmac.mac(session, key, algorithm, message));
  }

  /**
   * What the token can unwrap imported material with, found out by trying on first call (see
   * {@link WrappingAlgorithmProbe}); on SoftHSM2 2.6.1 RSAES_OAEP_SHA_1 and RSA_AES_KEY_WRAP_SHA_1.
   */
  @Override
  public Set<WrappingAlgorithm> supportedWrappingAlgorithms() {
    Set<WrappingAlgorithm> known = wrappingAlgorithms.get();
    if (known == null) {
      // AWS has no error for "the HSM's abilities are not known yet"; KMSInternalException is its
      // retryable 500 for a fault on AWS's side (KMS API reference, "Common Errors").
      throw new KmsInternalException("Probing which wrapping algorithms the HSM can import with failed; "
          + "retry the request.");
    }
    return known;
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
   * AES-GCM under the credential sealing key: one AES-256 token object with a fixed id, labelled
   * {@code trent:credential-seal}, made by the same template as KMS keys (sensitive,
   * non-extractable) on first use.
   */
  @Override
  public SealedBytes seal(byte[] aad, byte[] secret) {
    Objects.requireNonNull(aad, "aad");
    if (secret == null || secret.length == 0) {
      throw new ValidationException("The secret must be at least one byte long.");
    }
    ensureSealKey();
    return withKey("Seal", SealKey.ID, (session, handle) -> gcm.encrypt(session, handle, secret, aad));
  }

  @Override
  public byte[] unseal(byte[] aad, SealedBytes sealed) {
    Objects.requireNonNull(aad, "aad");
    Objects.requireNonNull(sealed, "sealed");
    return decrypt(SealKey.ID, sealed.iv(), sealed.ciphertextAndTag(), aad);
  }

  /** Creates the sealing key unless the token has it; one thread at a time, so it is created once. */
  private synchronized void ensureSealKey() {
    if (!keyExists(SealKey.ID)) {
      createSymmetricKey(SealKey.ID, SealKey.LABEL);
      LOG.info("Created the credential sealing key in {}", supervisor.describe());
    }
  }

  /**
   * True when the token answers and the anchor session is logged in (see
   * {@link TokenSupervisor#isHealthy}, which also repairs). A healthy token gets the capability
   * probes that failed before run again, once their back-off has passed.
   */
  @Override
  public boolean isHealthy() {
    boolean healthy = supervisor.isHealthy();
    if (healthy) {
      keyPairSpecs.retryIfFailed();
      wrappingAlgorithms.retryIfFailed();
    }
    return healthy;
  }

  @Override
  public String describe() {
    return supervisor.describe();
  }

  @Override
  public String tokenSerial() {
    return supervisor.tokenSerial();
  }

  /**
   * The session pool's use and waits (metrics): always the current connection's pool, across resets; all zero
   * while there is none (the HSM is away).
   */
  public SessionPoolStatistics sessionPool() {
    return new CurrentSessionPool(supervisor::currentPool);
  }

  /**
   * Closes the pool, logs out, closes the anchor session and finalizes the module, so that a later
   * {@link #open} in this JVM starts afresh. Waits for requests in flight.
   */
  @Override
  public void close() {
    KeyPairPool pool = keyPairPool;
    if (pool != null) {
      pool.close(supervisor.lockTimeoutMillis()); // before the connection goes
    }
    supervisor.close();
  }

  /**
   * Starts generating GenerateDataKeyPair key pairs ahead, up to {@code sizes} per spec, on a background thread
   * (see {@link KeyPairPool}); requests take pooled pairs first and generate inline when none is left. Specs the
   * token cannot generate are left out. At most once per backend.
   */
  public void startKeyPairPool(Map<DataKeyPairSpec, Integer> sizes) {
    startKeyPairPool(sizes, true);
  }

  /** As {@link #startKeyPairPool(Map)}; without {@code background} the pool fills only when a test asks. */
  synchronized KeyPairPool startKeyPairPool(Map<DataKeyPairSpec, Integer> sizes, boolean background) {
    Objects.requireNonNull(sizes, "sizes");
    if (keyPairPool != null) {
      throw new IllegalStateException("The key pair pool is already started.");
    }
    keyPairPool = new KeyPairPool(this, sizes, background);
    return keyPairPool;
  }

  /** Pooled key pairs of a spec now (0 without a pool), for metrics. */
  public int keyPairPoolLevel(DataKeyPairSpec spec) {
    KeyPairPool pool = keyPairPool;
    return pool == null ? 0 : pool.level(spec);
  }

  /** The pool's size per spec (empty without a pool). */
  public Map<DataKeyPairSpec, Integer> keyPairPoolSizes() {
    KeyPairPool pool = keyPairPool;
    return pool == null ? Map.of() : pool.targets();
  }

  /** Bumped by every module reset and by close: handles and sessions of an earlier generation are gone. */
  long generation() {
    return supervisor.generation();
  }

  /**
   * Checks the token objects behind every cached handle now; the background thread does this twice
   * per object check interval. Tests call it instead of waiting.
   */
  void checkTokenObjects() {
    supervisor.checkTokenObjects();
  }

  /** The wrapper's module, for tests that inspect the token or simulate failures. */
  PKCS11Module module() {
    return supervisor.module();
  }

  /** The supervisor of the module, for tests that simulate a reconnect that hangs. */
  TokenSupervisor supervisor() {
    return supervisor;
  }

  /** Runs work on the live token connection; see {@link TokenSupervisor#execute}. */
  <T> T execute(String operation, TokenSupervisor.ConnectionWork<T> work) {
    return supervisor.execute(operation, work);
  }

  private <T> T withKey(String operation, KeyMaterialId id, KeyWork<T> work) {
    return withHandle(operation, id, connection -> connection.checkedKeys,
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
   * an operation may still be active on it. An InvalidCiphertextException is only passed on once the
   * session and token checked healthy; otherwise the check's error is thrown, as a fault.
   */
  static <T> T onPooledSession(TokenConnection connection, SessionWork<T> work)
      throws PKCS11Exception {
    Session session = connection.pool.borrow();
    boolean reusable = false;
    try {
      T result = work.run(session);
      reusable = true;
      return result;
    } catch (InvalidCiphertextException e) {
      DataErrors.confirmHealthy(session); // a fault looking like a bad tag becomes a PKCS11Exception here
      reusable = true;
      throw e;
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

  private static void requireRandomLength(int length) {
    if (length < 1 || length > MAX_RANDOM_BYTES) {
      throw new ValidationException("The number of random bytes must be between 1 and "
          + MAX_RANDOM_BYTES + ", was " + length + ".");
    }
  }
}
