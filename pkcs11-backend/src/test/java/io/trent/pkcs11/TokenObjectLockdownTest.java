package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_COPYABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DECRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DERIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DESTROYABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ENCRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_MODIFIABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_UNWRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VERIFY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_WRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ACTION_PROHIBITED;

import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.WrappingAlgorithm;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.spi.BackendObject;
import io.trent.core.spi.ImportWrappingKey;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * Every kind of token object Trent creates is unmodifiable and uncopyable on a real SoftHSM2
 * token: with the PIN, nobody can turn on CKA_DERIVE or CKA_WRAP later, nor copy the key with them
 * on; every capability the object does not need is off; and the objects are listed for the orphan
 * sweep by their labels.
 */
class TokenObjectLockdownTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static SoftHsmToken token;
  private static Pkcs11KeyBackend backend;

  /** One token object, and which capabilities it must have on (all others off). */
  private record Expected(String what, long handle, List<Long> on) {}

  @BeforeAll
  static void openBackend() {
    token = SoftHsmToken.create("lockdown");
    backend = Pkcs11KeyBackend.open(token.settings());
  }

  @AfterAll
  static void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void everyKindOfObjectIsUnmodifiableUncopyableAndHasOnlyTheCapabilitiesItNeeds() throws Exception {
    KeyMaterialId aes = Pkcs11KeyBackendTest.newId();
    KeyMaterialId hmac = Pkcs11KeyBackendTest.newId();
    KeyMaterialId signing = Pkcs11KeyBackendTest.newId();
    KeyMaterialId rsaEncryption = Pkcs11KeyBackendTest.newId();
    KeyMaterialId importedAes = Pkcs11KeyBackendTest.newId();
    KeyMaterialId importedHmac = Pkcs11KeyBackendTest.newId();
    backend.createSymmetricKey(aes, "aes");
    backend.createHmacKey(hmac, "hmac", KeySpec.HMAC_256);
    backend.createAsymmetricKey(signing, "ec", KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY);
    backend.createAsymmetricKey(rsaEncryption, "rsa", KeySpec.RSA_2048, KeyUsage.ENCRYPT_DECRYPT);
    ImportWrappingKey wrappingKey = backend.createImportWrappingKey(WrappingKeySpec.RSA_2048);
    PublicKey wrappingPublicKey = KeyFactory.getInstance("RSA")
        .generatePublic(new X509EncodedKeySpec(wrappingKey.publicKeyDer()));
    backend.importKey(importedAes, "imported-aes", KeySpec.SYMMETRIC_DEFAULT, wrappingKey.id(),
        WrappingAlgorithm.RSAES_OAEP_SHA_1, oaepWrap(wrappingPublicKey, random(32)));
    backend.importKey(importedHmac, "imported-hmac", KeySpec.HMAC_256, wrappingKey.id(),
        WrappingAlgorithm.RSAES_OAEP_SHA_1, oaepWrap(wrappingPublicKey, random(32)));

    Session session = inspector();
    try {
      List<Expected> objects = new ArrayList<>();
      objects.add(new Expected("AES key", only(session, aes.toBytes(), CKO_SECRET_KEY), List.of(CKA_ENCRYPT, CKA_DECRYPT)));
      objects.add(new Expected("imported AES key", only(session, importedAes.toBytes(), CKO_SECRET_KEY),
          List.of(CKA_ENCRYPT, CKA_DECRYPT)));
      objects.add(new Expected("HMAC key", only(session, hmac.toBytes(), CKO_SECRET_KEY), List.of(CKA_SIGN, CKA_VERIFY)));
      objects.add(new Expected("imported HMAC key", only(session, importedHmac.toBytes(), CKO_SECRET_KEY),
          List.of(CKA_SIGN, CKA_VERIFY)));
      objects.add(new Expected("EC signing private key", only(session, signing.toBytes(), CKO_PRIVATE_KEY),
          List.of(CKA_SIGN)));
      objects.add(new Expected("EC signing public key", only(session, signing.toBytes(), CKO_PUBLIC_KEY),
          List.of(CKA_VERIFY)));
      objects.add(new Expected("RSA decryption private key", only(session, rsaEncryption.toBytes(), CKO_PRIVATE_KEY),
          List.of(CKA_DECRYPT)));
      objects.add(new Expected("RSA encryption public key", only(session, rsaEncryption.toBytes(), CKO_PUBLIC_KEY),
          List.of(CKA_ENCRYPT)));
      byte[] wrappingId = HexFormat.of().parseHex(wrappingKey.id());
      objects.add(new Expected("import wrapping private key", only(session, wrappingId, CKO_PRIVATE_KEY),
          List.of(CKA_UNWRAP)));
      objects.add(new Expected("import wrapping public key", only(session, wrappingId, CKO_PUBLIC_KEY),
          List.of(CKA_WRAP, CKA_ENCRYPT)));

      for (Expected object : objects) {
        AttributeVector flags = session.getAttrValues(object.handle(), CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE);
        assertThat(flags.modifiable()).as("%s: CKA_MODIFIABLE", object.what()).isFalse();
        assertThat(flags.copyable()).as("%s: CKA_COPYABLE", object.what()).isFalse();
        assertThat(flags.destroyable()).as("%s: CKA_DESTROYABLE (Trent deletes keys)", object.what()).isTrue();
        for (long capability : List.of(CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_VERIFY, CKA_WRAP, CKA_UNWRAP, CKA_DERIVE)) {
          Boolean value = session.getAttrValues(object.handle(), capability).getBooleanAttrValue(capability);
          // Absent (null) means the attribute does not exist for the object's class: off as well.
          assertThat(Boolean.TRUE.equals(value)).as("%s: attribute 0x%x", object.what(), capability)
              .isEqualTo(object.on().contains(capability));
        }
        if (!object.what().endsWith("public key")) {
          AttributeVector secrecy = session.getAttrValues(object.handle(), CKA_SENSITIVE, CKA_EXTRACTABLE);
          assertThat(secrecy.sensitive()).as("%s: CKA_SENSITIVE", object.what()).isTrue();
          assertThat(secrecy.extractable()).as("%s: CKA_EXTRACTABLE", object.what()).isFalse();
        }

        for (AttributeVector change : List.of(new AttributeVector().derive(true), new AttributeVector().wrap(true),
            new AttributeVector().label("renamed"))) {
          assertThatThrownBy(() -> session.setAttributeValues(object.handle(), change))
              .as("%s: C_SetAttributeValue %s", object.what(), change)
              .isInstanceOfSatisfying(PKCS11Exception.class,
                  e -> assertThat(e.getErrorCode()).isEqualTo((long) CKR_ACTION_PROHIBITED));
        }
        assertThatThrownBy(() -> session.copyObject(object.handle(), new AttributeVector().token(false)))
            .as("%s: C_CopyObject", object.what())
            .isInstanceOfSatisfying(PKCS11Exception.class,
                e -> assertThat(e.getErrorCode()).isEqualTo((long) CKR_ACTION_PROHIBITED));
        assertThat(session.getAttrValues(object.handle(), CKA_DERIVE).derive()).as("%s: still no derive", object.what())
            .isFalse();
      }
    } finally {
      session.closeSession();
    }

    // Unmodifiable keys still work, without session copies, and can still be destroyed.
    byte[] plaintext = "still works".getBytes(StandardCharsets.UTF_8);
    var sealed = backend.encrypt(aes, plaintext, null);
    assertThat(backend.decrypt(aes, sealed.iv(), sealed.ciphertextAndTag(), null)).isEqualTo(plaintext);
    for (KeyMaterialId id : List.of(aes, hmac, signing, rsaEncryption, importedAes, importedHmac)) {
      backend.destroyKey(id);
      assertThat(backend.keyExists(id)).isFalse();
    }
    backend.destroyImportWrappingKey(wrappingKey.id());
  }

  @Test
  void theInventoryListsTrentsObjectsByTheirLabels() throws Exception {
    KeyMaterialId aes = Pkcs11KeyBackendTest.newId();
    KeyMaterialId pair = Pkcs11KeyBackendTest.newId();
    backend.createSymmetricKey(aes, "11111111-2222-3333-4444-555555555555");
    backend.createAsymmetricKey(pair, "66666666-2222-3333-4444-555555555555", KeySpec.ECC_NIST_P256,
        KeyUsage.SIGN_VERIFY);
    ImportWrappingKey wrappingKey = backend.createImportWrappingKey(WrappingKeySpec.RSA_2048);
    Session session = inspector();
    byte[] foreignId = random(8);
    try {
      // Another application's object in the same token is not Trent's.
      session.createObject(AttributeVector.newAESSecretKey().token(true).private_(true).id(foreignId)
          .label("someone-else").value(random(32)));
    } finally {
      session.closeSession();
    }

    List<BackendObject> listed = backend.listObjects();

    assertThat(listed).contains(
        new BackendObject(BackendObject.Kind.KEY_MATERIAL, aes.toHex(), "11111111-2222-3333-4444-555555555555"),
        new BackendObject(BackendObject.Kind.KEY_MATERIAL, pair.toHex(), "66666666-2222-3333-4444-555555555555"),
        new BackendObject(BackendObject.Kind.IMPORT_WRAPPING_KEY, wrappingKey.id(), null));
    assertThat(listed).filteredOn(o -> o.id().equals(pair.toHex())).as("both halves are one entry").hasSize(1);
    assertThat(listed).noneMatch(o -> o.id().equals(HexFormat.of().formatHex(foreignId)));
    assertThat(listed).filteredOn(o -> o.id().equals(wrappingKey.id())).as("both halves are one entry").hasSize(1);

    session = inspector();
    try {
      session.destroyObject(only(session, foreignId, CKO_SECRET_KEY));
    } finally {
      session.closeSession();
    }
    backend.destroyKey(aes);
    backend.destroyKey(pair);
    backend.destroyImportWrappingKey(wrappingKey.id());
    assertThat(backend.listObjects()).noneMatch(o -> List.of(aes.toHex(), pair.toHex(), wrappingKey.id())
        .contains(o.id()));
  }

  private static long only(Session session, byte[] id, long objectClass) throws PKCS11Exception {
    long[] found = session.findObjectsSingle(new AttributeVector().token(true).class_(objectClass).id(id), 2);
    assertThat(found).hasSize(1);
    return found[0];
  }

  private static Session inspector() throws Exception {
    return TokenLookup.byLabel(backend.module(), token.label).openSession(true);
  }

  private static byte[] oaepWrap(PublicKey publicKey, byte[] material) throws Exception {
    Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
    cipher.init(Cipher.ENCRYPT_MODE, publicKey,
        new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
    return cipher.doFinal(material);
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
