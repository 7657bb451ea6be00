package io.trent.core.testing;

import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.key.DataKeyPairSpec;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.spi.BackendObject;
import io.trent.core.spi.GeneratedDataKey;
import io.trent.core.spi.GeneratedKeyPair;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.SealedBytes;
import io.trent.core.key.KeySpec;
import io.trent.core.key.WrappingAlgorithm;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.spi.ImportWrappingKey;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.util.HexFormat;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/** A pure-Java KeyBackend for core unit tests (never for integration tests): JCE AES-GCM. */
public final class SoftwareKeyBackend implements KeyBackend {
  private final Map<KeyMaterialId, SecretKey> keys = new ConcurrentHashMap<>();
  private final Map<KeyMaterialId, String> labels = new ConcurrentHashMap<>();
  private final Map<String, BackendObject> wrappingKeys = new ConcurrentHashMap<>();
  private final Map<String, PrivateKey> wrappingPrivateKeys = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private volatile boolean away;

  @Override
  public void createSymmetricKey(KeyMaterialId id, String keyId) {
    try {
      KeyGenerator gen = KeyGenerator.getInstance("AES");
      gen.init(256);
      keys.put(id, gen.generateKey());
      labels.put(id, keyId);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void createHmacKey(KeyMaterialId id, String keyId, io.trent.core.key.KeySpec spec) {
    byte[] key = generateRandom(32);
    keys.put(id, new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
    labels.put(id, keyId);
  }

  @Override
  public byte[] mac(KeyMaterialId id, io.trent.core.key.MacAlgorithm algorithm, byte[] message) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(key(id));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void destroyKey(KeyMaterialId id) {
    keys.remove(id);
    labels.remove(id);
  }

  /**
   * Puts an import wrapping key into the "HSM" without any import token, as a crash before the
   * token was stored would; only the orphan sweep and key deletion see it.
   */
  public void addImportWrappingKey(String wrappingKeyId) {
    wrappingKeys.put(wrappingKeyId, new BackendObject(BackendObject.Kind.IMPORT_WRAPPING_KEY, wrappingKeyId, null));
  }

  /** Whether an import wrapping key added with {@link #addImportWrappingKey} still exists. */
  public boolean importWrappingKeyExists(String wrappingKeyId) {
    return wrappingKeys.containsKey(wrappingKeyId);
  }

  @Override
  public void destroyImportWrappingKey(String wrappingKeyId) {
    wrappingKeys.remove(wrappingKeyId);
    wrappingPrivateKeys.remove(wrappingKeyId);
  }

  @Override
  public java.util.List<BackendObject> listObjects() {
    java.util.List<BackendObject> objects = new java.util.ArrayList<>();
    labels.forEach((id, keyId) -> objects.add(new BackendObject(BackendObject.Kind.KEY_MATERIAL, id.toHex(), keyId)));
    objects.addAll(wrappingKeys.values());
    return objects;
  }

  @Override
  public boolean keyExists(KeyMaterialId id) {
    if (away) {
      throw new io.trent.core.error.DependencyTimeoutException("The HSM is unreachable.");
    }
    return keys.containsKey(id);
  }

  /**
   * Simulates an HSM that went away, as Pkcs11KeyBackend answers then: {@link #keyExists} fails
   * retryably rather than answer false. Other calls are not affected.
   */
  public void setAway(boolean away) {
    this.away = away;
  }

  @Override
  public byte[] generateRandom(int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }

  @Override
  public SealedBytes encrypt(KeyMaterialId key, byte[] plaintext, byte[] aad) {
    byte[] iv = generateRandom(12);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key(key), new GCMParameterSpec(128, iv));
      c.updateAAD(aad);
      return new SealedBytes(iv, c.doFinal(plaintext));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public GeneratedDataKey generateDataKey(KeyMaterialId key, int length, byte[] aad) {
    byte[] plaintext = generateRandom(length);
    return new GeneratedDataKey(plaintext, encrypt(key, plaintext, aad));
  }

  @Override
  public byte[] decrypt(KeyMaterialId key, byte[] iv, byte[] ciphertextAndTag, byte[] aad) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key(key), new GCMParameterSpec(128, iv));
      c.updateAAD(aad);
      return c.doFinal(ciphertextAndTag);
    } catch (AEADBadTagException e) {
      throw new InvalidCiphertextException();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public GeneratedKeyPair generateDataKeyPair(KeyMaterialId key, DataKeyPairSpec spec, byte[] aad) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      java.security.KeyPair pair = gen.generateKeyPair();
      byte[] pkcs8 = pair.getPrivate().getEncoded();
      return new GeneratedKeyPair(pair.getPublic().getEncoded(), pkcs8, encrypt(key, pkcs8, aad));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Set<DataKeyPairSpec> supportedKeyPairSpecs() {
    return EnumSet.of(DataKeyPairSpec.ECC_NIST_P256);
  }

  @Override
  public Set<WrappingAlgorithm> supportedWrappingAlgorithms() {
    return EnumSet.of(WrappingAlgorithm.RSAES_OAEP_SHA_256);
  }

  @Override
  public ImportWrappingKey createImportWrappingKey(WrappingKeySpec spec) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      java.security.KeyPair pair = gen.generateKeyPair();
      String id = HexFormat.of().formatHex(generateRandom(16));
      wrappingKeys.put(id, new BackendObject(BackendObject.Kind.IMPORT_WRAPPING_KEY, id, null));
      wrappingPrivateKeys.put(id, pair.getPrivate());
      return new ImportWrappingKey(id, pair.getPublic().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }


  /** RSAES_OAEP_SHA_256 only (SHA-256 for the hash and MGF1), as AWS defines it. */
  @Override
  public void importKey(KeyMaterialId id, String keyId, KeySpec spec, String wrappingKeyId,
      WrappingAlgorithm algorithm, byte[] encryptedKeyMaterial) {
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(Cipher.DECRYPT_MODE, wrappingPrivateKeys.get(wrappingKeyId), new OAEPParameterSpec("SHA-256", "MGF1",
          MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
      keys.put(id, new SecretKeySpec(c.doFinal(encryptedKeyMaterial), spec == KeySpec.SYMMETRIC_DEFAULT
          ? "AES" : "HmacSHA256"));
      labels.put(id, keyId);
    } catch (javax.crypto.BadPaddingException e) {
      throw new InvalidCiphertextException();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean isHealthy() {
    return true;
  }

  @Override
  public String describe() {
    return "software test backend";
  }

  @Override
  public void close() {}

  private SecretKey key(KeyMaterialId id) {
    SecretKey k = keys.get(id);
    if (k == null) {
      throw new KeyUnavailableException("key material " + id + " is not in the backend");
    }
    return k;
  }
}
