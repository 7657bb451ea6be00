package io.trent.benchmark;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_GCM;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_ALREADY_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

import io.trent.core.blob.CiphertextBlob;
import io.trent.core.blob.EncryptionContext;
import io.trent.core.key.KeyMaterialId;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.params.GCM_PARAMS;

/**
 * The raw HSM rate: ipkcs11wrapper called directly, one session per thread, no Trent code on the
 * path. The KMS key is created with the template of Trent's KmsKeyObjects (AES-256 token object,
 * private, sensitive, non-extractable, encrypt/decrypt only; keep the two in step) and, like Trent's backend, used through a session copy (CKA_TOKEN=false) held by
 * a logged-in anchor session, unless {@code tokenObject} asks for the token object itself. The AAD
 * has the size and shape of Trent's (ciphertext header plus empty encryption context).
 */
final class RawHsm implements AutoCloseable {

  /** What one raw operation does. */
  enum Variant {
    /** What the issue names: C_GenerateRandom(32) + C_EncryptInit/C_Encrypt(AES-GCM); IV from a counter. */
    RANDOM_ENCRYPT,
    /** Trent's hot path: C_GenerateRandom(32) + C_GenerateRandom(12) for the IV + C_EncryptInit/C_Encrypt. */
    RANDOM_IV_ENCRYPT
  }

  private static final int TAG_BITS = 128;
  private static final int DATA_KEY_BYTES = 32;
  private static final int IV_BYTES = 12;

  /**
   * One wrapper object for the whole run, never collected: the wrapper's finalizer would unload the
   * library under the backend's feet. Trent's backend loads its own wrapper object for the same
   * library; the two are never initialized at the same time.
   */
  private static PKCS11Module module;

  private final Token token;
  private final Session anchor;
  private final long tokenObject;
  private final long operationalKey;
  private final byte[] aad;

  private RawHsm(Token token, Session anchor, long tokenObject, long operationalKey, byte[] aad) {
    this.token = token;
    this.anchor = anchor;
    this.tokenObject = tokenObject;
    this.operationalKey = operationalKey;
    this.aad = aad;
  }

  static synchronized PKCS11Module module(Path library) throws Exception {
    if (module == null) {
      module = PKCS11Module.getInstance(library.toAbsolutePath().toString());
    }
    return module;
  }

  /** C_Initialize, log in, create a fresh KMS-like key (and its session copy). */
  static RawHsm open(Path library, String tokenLabel, char[] pin, boolean tokenObject) throws Exception {
    PKCS11Module module = module(library);
    module.initialize(); // CKF_OS_LOCKING_OK, as Trent; fails if the module is already initialized
    try {
      Token token = findToken(module, tokenLabel);
      Session anchor = token.openSession(true);
      try {
        anchor.login(CKU_USER, pin);
      } catch (PKCS11Exception e) {
        if (e.getErrorCode() != CKR_USER_ALREADY_LOGGED_IN) {
          throw e;
        }
      }
      KeyMaterialId materialId = KeyMaterialId.of(anchor.generateRandom(KeyMaterialId.LENGTH));
      String keyId = UUID.randomUUID().toString();
      long key = anchor.generateKey(new Mechanism(CKM_AES_KEY_GEN), AttributeVector.newAESSecretKey()
          .token(true).private_(true).sensitive(true).extractable(false)
          .encrypt(true).decrypt(true)
          .wrap(false).unwrap(false).sign(false).verify(false).derive(false)
          .valueLen(32)
          .id(materialId.toBytes())
          .label("trent-bench:" + keyId));
      long operational = tokenObject ? key : anchor.copyObject(key, new AttributeVector().token(false));
      byte[] aad = CiphertextBlob.aad(CiphertextBlob.header(keyId, materialId), EncryptionContext.EMPTY);
      return new RawHsm(token, anchor, key, operational, aad);
    } catch (Exception | Error e) {
      try {
        module.finalize(null);
      } catch (Exception ignored) {
        // already failing
      }
      throw e;
    }
  }

  /** The library's C_GetInfo, e.g. "SoftHSM Implementation of PKCS11 2.6"; the module must be initialized. */
  String describeLibrary() {
    try {
      var info = token.getSlot().getModule().getInfo();
      return info.getManufacturerID().trim() + " " + info.getLibraryDescription().trim()
          + " " + info.getLibraryVersion();
    } catch (Exception e) {
      return "unknown (" + e + ")";
    }
  }

  Rate measure(Variant variant, int threads, Duration warmup, Duration duration) throws Exception {
    return RateMeter.measure("raw-" + variant, threads, warmup, duration, index -> operation(variant, index));
  }

  private RateMeter.Operation operation(Variant variant, int index) throws PKCS11Exception {
    Session session = token.openSession(true);
    ByteBuffer counterIv = ByteBuffer.allocate(IV_BYTES).putInt(0, index);
    long[] counter = {0};
    return new RateMeter.Operation() {
      @Override
      public void run() throws PKCS11Exception {
        byte[] dataKey = session.generateRandom(DATA_KEY_BYTES);
        byte[] iv;
        if (variant == Variant.RANDOM_IV_ENCRYPT) {
          iv = session.generateRandom(IV_BYTES);
        } else {
          // Unique per operation without an HSM call: thread index || counter.
          counterIv.putLong(4, ++counter[0]);
          iv = counterIv.array().clone();
        }
        session.encryptInit(new Mechanism(CKM_AES_GCM, new GCM_PARAMS(iv, aad, TAG_BITS)), operationalKey);
        byte[] sealed = session.encrypt(dataKey);
        if (sealed.length != DATA_KEY_BYTES + TAG_BITS / 8) {
          throw new IllegalStateException("unexpected GCM output length " + sealed.length);
        }
        Arrays.fill(dataKey, (byte) 0);
      }

      @Override
      public void close() throws PKCS11Exception {
        session.closeSession();
      }
    };
  }

  /** Destroys the key objects, logs out and finalizes the module. */
  @Override
  public void close() throws Exception {
    try {
      if (operationalKey != tokenObject) {
        anchor.destroyObject(operationalKey);
      }
      anchor.destroyObject(tokenObject);
      anchor.logout();
      anchor.closeSession();
    } finally {
      module.finalize(null);
    }
  }

  private static Token findToken(PKCS11Module module, String label) throws PKCS11Exception {
    for (Slot slot : module.getSlotList(true)) {
      Token token = slot.getToken();
      var info = token.getTokenInfo();
      if (info.isTokenInitialized() && info.getLabel() != null && info.getLabel().trim().equals(label)) {
        return token;
      }
    }
    throw new IllegalStateException("No token labelled '" + label + "'");
  }
}
