package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_CLASS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DECRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ENCRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_UNWRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE_LEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VERIFY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_WRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_AES;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

import io.trent.core.error.IncorrectKeyMaterialException;
import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.MacAlgorithm;
import io.trent.core.key.WrappingAlgorithm;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.spi.ImportWrappingKey;
import io.trent.core.spi.SealedBytes;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * HMAC keys and key material import (BYOK) on a real SoftHSM2 token. Imports use known key
 * material, so the JDK can check that exactly those bytes landed in the token.
 */
class Pkcs11KeyImportTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] AAD = "import test".getBytes(StandardCharsets.UTF_8);
  private static final WrappingAlgorithm OAEP_SHA_1 = WrappingAlgorithm.RSAES_OAEP_SHA_1;
  private static final WrappingAlgorithm KEY_WRAP_SHA_1 = WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1;

  private static SoftHsmToken token;
  private static Pkcs11KeyBackend backend;
  private static ImportWrappingKey wrappingKey;
  private static PublicKey wrappingPublicKey;

  @BeforeAll
  static void openBackend() throws Exception {
    token = SoftHsmToken.create("import");
    backend = Pkcs11KeyBackend.open(token.settings());
    wrappingKey = backend.createImportWrappingKey(WrappingKeySpec.RSA_2048);
    wrappingPublicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(wrappingKey.publicKeyDer()));
  }

  @AfterAll
  static void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  // --- HMAC keys generated in the token ---------------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = KeySpec.class, names = {"HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512"})
  void generatesHmacKeysWhoseMacsBehave(KeySpec spec) throws Exception {
    MacAlgorithm algorithm = Hmac.algorithm(spec);
    int length = Hmac.keyLength(spec);
    KeyMaterialId key = Pkcs11KeyBackendTest.newId();
    KeyMaterialId other = Pkcs11KeyBackendTest.newId();
    backend.createHmacKey(key, "hmac-" + spec, spec);
    backend.createHmacKey(other, "other-" + spec, spec);

    byte[] mac = backend.mac(key, algorithm, "message".getBytes());

    assertThat(mac).as("the digest length").hasSize(length);
    assertThat(backend.mac(key, algorithm, "message".getBytes())).as("deterministic").isEqualTo(mac);
    assertThat(backend.mac(key, algorithm, "massage".getBytes())).as("per message").isNotEqualTo(mac);
    assertThat(backend.mac(other, algorithm, "message".getBytes())).as("per key").isNotEqualTo(mac);
    assertThat(backend.keyExists(key)).isTrue();

    Session session = inspector(false);
    try {
      long[] objects = session.findObjectsSingle(new AttributeVector().id(key.toBytes()), 10);
      assertThat(objects).hasSize(1);
      AttributeVector attributes = session.getAttrValues(objects[0], CKA_CLASS, CKA_KEY_TYPE, CKA_VALUE_LEN, CKA_TOKEN,
          CKA_PRIVATE, CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_SIGN, CKA_VERIFY, CKA_ENCRYPT, CKA_LABEL);
      assertThat(attributes.class_()).isEqualTo(CKO_SECRET_KEY);
      assertThat(attributes.keyType()).isEqualTo(CKK_GENERIC_SECRET);
      assertThat(attributes.valueLen()).isEqualTo(length);
      assertThat(attributes.token()).isTrue();
      assertThat(attributes.private_()).isTrue();
      assertThat(attributes.sensitive()).isTrue();
      assertThat(attributes.extractable()).isFalse();
      assertThat(attributes.sign()).isTrue();
      assertThat(attributes.verify()).isTrue();
      assertThat(attributes.encrypt()).isFalse();
      assertThat(attributes.label()).isEqualTo("trent:hmac-" + spec);
    } finally {
      session.closeSession();
    }
    backend.destroyKey(other);
    assertThat(backend.keyExists(other)).isFalse();
    assertThatThrownBy(() -> backend.mac(other, algorithm, "message".getBytes()))
        .isInstanceOf(KeyUnavailableException.class);
  }

  @Test
  void refusesMacsTheKeyIsTooShortForAndEmptyMessages() {
    KeyMaterialId key = Pkcs11KeyBackendTest.newId();
    backend.createHmacKey(key, "short", KeySpec.HMAC_224);

    for (int i = 0; i < 6; i++) {
      assertThatThrownBy(() -> backend.mac(key, MacAlgorithm.HMAC_SHA_256, new byte[] {1}))
          .isInstanceOf(InvalidKeyUsageException.class);
    }
    assertThatThrownBy(() -> backend.mac(key, MacAlgorithm.HMAC_SHA_224, new byte[0]))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> backend.createHmacKey(key, "not hmac", KeySpec.RSA_2048))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(backend.mac(key, MacAlgorithm.HMAC_SHA_224, new byte[] {1})).hasSize(28);
  }

  // --- import ------------------------------------------------------------------------------------

  @Test
  void probesTheWrappingAlgorithmsSoftHsmCanUnwrapWith() {
    assertThat(backend.supportedWrappingAlgorithms()).containsExactlyInAnyOrder(OAEP_SHA_1, KEY_WRAP_SHA_1);
  }

  @Test
  void wrappingKeysAreUnwrapOnlyTokenKeyPairs() throws Exception {
    assertThat(wrappingKey.id()).matches("[0-9a-f]{32}");
    assertThat(((RSAPublicKey) wrappingPublicKey).getModulus().bitLength()).isEqualTo(2048);
    Session session = inspector(false);
    try {
      byte[] id = java.util.HexFormat.of().parseHex(wrappingKey.id());
      long[] privateKeys = session.findObjectsSingle(new AttributeVector().class_(CKO_PRIVATE_KEY).id(id), 10);
      long[] publicKeys = session.findObjectsSingle(new AttributeVector().class_(CKO_PUBLIC_KEY).id(id), 10);
      assertThat(privateKeys).hasSize(1);
      assertThat(publicKeys).hasSize(1);
      AttributeVector privateKey = session.getAttrValues(privateKeys[0], CKA_TOKEN, CKA_SENSITIVE, CKA_EXTRACTABLE,
          CKA_UNWRAP, CKA_DECRYPT, CKA_SIGN, CKA_LABEL);
      assertThat(privateKey.token()).isTrue();
      assertThat(privateKey.sensitive()).isTrue();
      assertThat(privateKey.extractable()).isFalse();
      assertThat(privateKey.unwrap()).isTrue();
      assertThat(privateKey.decrypt()).as("cannot decrypt wrapped material into memory").isFalse();
      assertThat(privateKey.sign()).isFalse();
      assertThat(privateKey.label()).isEqualTo("trent-import");
      AttributeVector publicKey = session.getAttrValues(publicKeys[0], CKA_WRAP, CKA_ENCRYPT, CKA_VERIFY);
      assertThat(publicKey.wrap()).isTrue();
      assertThat(publicKey.encrypt()).isTrue();
      assertThat(publicKey.verify()).isFalse();
    } finally {
      session.closeSession();
    }
    assertThatThrownBy(() -> backend.createImportWrappingKey(WrappingKeySpec.SM2))
        .isInstanceOf(KmsUnsupportedOperationException.class)
        .hasMessage("WrappingKeySpec SM2 is not supported by this HSM.");
  }

  @Test
  void wrappingKeysRefuseToUnwrapIntoExtractableKeys() throws Exception {
    byte[] wrapped = oaepWrap(wrappingPublicKey, randomBytes(32));
    Session session = inspector(true);
    try {
      long privateKey = session.findObjectsSingle(new AttributeVector().class_(CKO_PRIVATE_KEY)
          .id(java.util.HexFormat.of().parseHex(wrappingKey.id())), 1)[0];
      Mechanism oaep = OaepParameters.SHA_1.mechanism();

      assertThatThrownBy(() -> session.unwrapKey(oaep, privateKey, wrapped, AttributeVector.newAESSecretKey()
          .token(false).sensitive(false).extractable(true).encrypt(true)))
          .isInstanceOf(PKCS11Exception.class);
      long allowed = session.unwrapKey(oaep, privateKey, wrapped, AttributeVector.newAESSecretKey()
          .token(false).sensitive(true).extractable(false).encrypt(true));
      session.destroyObject(allowed);
    } finally {
      session.closeSession();
    }
  }

  static Stream<Arguments> wrappingAlgorithms() {
    return Stream.of(Arguments.of(OAEP_SHA_1), Arguments.of(KEY_WRAP_SHA_1));
  }

  @ParameterizedTest
  @MethodSource("wrappingAlgorithms")
  void importsAnAesKeyThatAgreesWithTheJdk(WrappingAlgorithm algorithm) throws Exception {
    byte[] material = randomBytes(32);
    KeyMaterialId id = Pkcs11KeyBackendTest.newId();

    backend.importKey(id, "imported-aes", KeySpec.SYMMETRIC_DEFAULT, wrappingKey.id(), algorithm, wrap(algorithm, material));

    byte[] plaintext = "encrypted in the token".getBytes(StandardCharsets.UTF_8);
    SealedBytes sealed = backend.encrypt(id, plaintext, AAD);
    assertThat(jdkGcm(Cipher.DECRYPT_MODE, material, sealed.iv(), sealed.ciphertextAndTag())).isEqualTo(plaintext);
    byte[] iv = randomBytes(12);
    byte[] fromJdk = jdkGcm(Cipher.ENCRYPT_MODE, material, iv, "encrypted by the JDK".getBytes(StandardCharsets.UTF_8));
    assertThat(backend.decrypt(id, iv, fromJdk, AAD)).asString(StandardCharsets.UTF_8).isEqualTo("encrypted by the JDK");

    Session session = inspector(false);
    try {
      long[] objects = session.findObjectsSingle(new AttributeVector().id(id.toBytes()).token(true), 10);
      assertThat(objects).as("one token object, and no leftover ephemeral key").hasSize(1);
      AttributeVector attributes = session.getAttrValues(objects[0], CKA_CLASS, CKA_KEY_TYPE, CKA_TOKEN, CKA_PRIVATE,
          CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_LABEL);
      assertThat(attributes.class_()).isEqualTo(CKO_SECRET_KEY);
      assertThat(attributes.keyType()).isEqualTo(CKK_AES);
      assertThat(attributes.token()).isTrue();
      assertThat(attributes.private_()).isTrue();
      assertThat(attributes.sensitive()).isTrue();
      assertThat(attributes.extractable()).isFalse();
      assertThat(attributes.encrypt()).isTrue();
      assertThat(attributes.decrypt()).isTrue();
      assertThat(attributes.sign()).as("SoftHSM2 would default it to true").isFalse();
      assertThat(attributes.label()).isEqualTo("trent:imported-aes");
      assertNoEphemeralKeyLeft(session);
    } finally {
      session.closeSession();
    }
    backend.destroyKey(id);
    assertThat(backend.keyExists(id)).isFalse();
  }

  static Stream<Arguments> hmacImports() {
    return Stream.of(KeySpec.HMAC_224, KeySpec.HMAC_256, KeySpec.HMAC_384, KeySpec.HMAC_512)
        .flatMap(spec -> Stream.of(Arguments.of(spec, OAEP_SHA_1), Arguments.of(spec, KEY_WRAP_SHA_1)));
  }

  @ParameterizedTest
  @MethodSource("hmacImports")
  void importsAnHmacKeyWhoseMacsMatchTheJdk(KeySpec spec, WrappingAlgorithm algorithm) throws Exception {
    byte[] material = randomBytes(Hmac.keyLength(spec));
    KeyMaterialId id = Pkcs11KeyBackendTest.newId();

    backend.importKey(id, "imported-hmac", spec, wrappingKey.id(), algorithm, wrap(algorithm, material));

    MacAlgorithm macAlgorithm = Hmac.algorithm(spec);
    String jdkName = "Hmac" + macAlgorithm.name().substring("HMAC_".length()).replace("_", "");
    Mac jdk = Mac.getInstance(jdkName);
    jdk.init(new SecretKeySpec(material, jdkName));
    byte[] message = "authenticate me".getBytes(StandardCharsets.UTF_8);
    assertThat(backend.mac(id, macAlgorithm, message)).isEqualTo(jdk.doFinal(message));

    Session session = inspector(false);
    try {
      long[] objects = session.findObjectsSingle(new AttributeVector().id(id.toBytes()), 10);
      assertThat(objects).hasSize(1);
      AttributeVector attributes = session.getAttrValues(objects[0], CKA_KEY_TYPE, CKA_SENSITIVE, CKA_EXTRACTABLE,
          CKA_SIGN, CKA_VERIFY);
      assertThat(attributes.keyType()).isEqualTo(CKK_GENERIC_SECRET);
      assertThat(attributes.sensitive()).isTrue();
      assertThat(attributes.extractable()).isFalse();
      assertThat(attributes.sign()).isTrue();
      assertThat(attributes.verify()).isTrue();
    } finally {
      session.closeSession();
    }
  }

  @Test
  void refusesAlgorithmsAndSpecsItCannotImport() {
    KeyMaterialId id = Pkcs11KeyBackendTest.newId();
    for (WrappingAlgorithm algorithm : List.of(WrappingAlgorithm.RSAES_OAEP_SHA_256,
        WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, WrappingAlgorithm.RSAES_PKCS1_V1_5, WrappingAlgorithm.SM2PKE)) {
      assertThatThrownBy(() -> backend.importKey(id, "k", KeySpec.SYMMETRIC_DEFAULT, wrappingKey.id(), algorithm,
          new byte[256]))
          .isInstanceOf(KmsUnsupportedOperationException.class)
          .hasMessage("WrappingAlgorithm " + algorithm + " is not supported by this HSM.");
    }
    assertThatThrownBy(() -> backend.importKey(id, "k", KeySpec.RSA_2048, wrappingKey.id(), OAEP_SHA_1, new byte[256]))
        .isInstanceOf(KmsUnsupportedOperationException.class);
    assertThat(backend.keyExists(id)).isFalse();
  }

  @Test
  void refusesMaterialThatDoesNotUnwrapAndLeavesNothingBehind() throws Exception {
    byte[] material = randomBytes(32);
    ImportWrappingKey otherWrappingKey = backend.createImportWrappingKey(WrappingKeySpec.RSA_2048);
    PublicKey otherPublicKey = KeyFactory.getInstance("RSA")
        .generatePublic(new X509EncodedKeySpec(otherWrappingKey.publicKeyDer()));
    byte[] oaep = wrap(OAEP_SHA_1, material);
    byte[] keyWrap = wrap(KEY_WRAP_SHA_1, material);
    List<Object[]> cases = List.of(
        new Object[] {OAEP_SHA_1, flip(oaep, 10)},
        new Object[] {OAEP_SHA_1, Arrays.copyOf(oaep, 255)},
        new Object[] {OAEP_SHA_1, Arrays.copyOf(oaep, 257)},
        new Object[] {OAEP_SHA_1, new byte[256]},
        new Object[] {OAEP_SHA_1, oaepWrap(otherPublicKey, material)}, // for another wrapping key
        new Object[] {OAEP_SHA_1, keyWrap}, // the wrong format
        new Object[] {KEY_WRAP_SHA_1, flip(keyWrap, 10)}, // the RSA part
        new Object[] {KEY_WRAP_SHA_1, flip(keyWrap, 256 + 3)}, // the KWP part
        new Object[] {KEY_WRAP_SHA_1, Arrays.copyOf(keyWrap, keyWrap.length - 8)},
        new Object[] {KEY_WRAP_SHA_1, oaep});

    for (Object[] c : cases) {
      KeyMaterialId id = Pkcs11KeyBackendTest.newId();
      assertThatThrownBy(() -> backend.importKey(id, "bad", KeySpec.SYMMETRIC_DEFAULT, wrappingKey.id(),
          (WrappingAlgorithm) c[0], (byte[]) c[1]))
          .as(c[0].toString()).isInstanceOf(InvalidCiphertextException.class);
      assertThat(backend.keyExists(id)).isFalse();
    }
    Session session = inspector(false);
    try {
      assertNoEphemeralKeyLeft(session);
    } finally {
      session.closeSession();
    }
    backend.destroyImportWrappingKey(otherWrappingKey.id());
    assertThat(backend.isHealthy()).isTrue();
  }

  static Stream<Arguments> wrongLengths() {
    return Stream.of(
        Arguments.of(KeySpec.SYMMETRIC_DEFAULT, OAEP_SHA_1, 16), // AES-128: a valid AES key, not AWS's
        Arguments.of(KeySpec.SYMMETRIC_DEFAULT, OAEP_SHA_1, 24),
        Arguments.of(KeySpec.SYMMETRIC_DEFAULT, OAEP_SHA_1, 33), // not an AES key length
        Arguments.of(KeySpec.SYMMETRIC_DEFAULT, OAEP_SHA_1, 31),
        Arguments.of(KeySpec.SYMMETRIC_DEFAULT, OAEP_SHA_1, 48),
        Arguments.of(KeySpec.HMAC_224, OAEP_SHA_1, 32), // longer than the spec
        Arguments.of(KeySpec.HMAC_256, OAEP_SHA_1, 48),
        Arguments.of(KeySpec.HMAC_384, OAEP_SHA_1, 64),
        Arguments.of(KeySpec.SYMMETRIC_DEFAULT, KEY_WRAP_SHA_1, 16), // KWP length gives it away
        Arguments.of(KeySpec.SYMMETRIC_DEFAULT, KEY_WRAP_SHA_1, 24),
        Arguments.of(KeySpec.SYMMETRIC_DEFAULT, KEY_WRAP_SHA_1, 30),
        Arguments.of(KeySpec.HMAC_256, OAEP_SHA_1, 31), // shorter than the digest
        Arguments.of(KeySpec.HMAC_512, OAEP_SHA_1, 32),
        Arguments.of(KeySpec.HMAC_256, KEY_WRAP_SHA_1, 48),
        Arguments.of(KeySpec.HMAC_384, KEY_WRAP_SHA_1, 47));
  }

  @ParameterizedTest
  @MethodSource("wrongLengths")
  void refusesMaterialOfTheWrongLength(KeySpec spec, WrappingAlgorithm algorithm, int length) throws Exception {
    KeyMaterialId id = Pkcs11KeyBackendTest.newId();
    int bytes = spec == KeySpec.SYMMETRIC_DEFAULT ? 32 : Hmac.keyLength(spec);

    assertThatThrownBy(() -> backend.importKey(id, "wrong length", spec, wrappingKey.id(), algorithm,
        wrap(algorithm, randomBytes(length))))
        .isInstanceOf(IncorrectKeyMaterialException.class)
        .hasMessage("The key material for a KMS key with KeySpec " + spec + " must be " + bytes * 8 + " bits ("
            + bytes + " bytes) long.");
    assertThat(backend.keyExists(id)).as("no token object is left").isFalse();
    Session session = inspector(false);
    try {
      assertThat(session.findObjectsSingle(new AttributeVector().id(id.toBytes()), 10)).isEmpty();
      assertNoEphemeralKeyLeft(session);
    } finally {
      session.closeSession();
    }
  }

  @Test
  void refusesAnIdThatIsTaken() throws Exception {
    KeyMaterialId id = Pkcs11KeyBackendTest.newId();
    byte[] material = randomBytes(32);
    backend.importKey(id, "first", KeySpec.SYMMETRIC_DEFAULT, wrappingKey.id(), OAEP_SHA_1, wrap(OAEP_SHA_1, material));

    assertThatThrownBy(() -> backend.importKey(id, "second", KeySpec.SYMMETRIC_DEFAULT, wrappingKey.id(), OAEP_SHA_1,
        wrap(OAEP_SHA_1, material)))
        .isInstanceOf(KmsInternalException.class);
    backend.destroyKey(id);
  }

  @Test
  void destroyedOrUnknownWrappingKeysAreUnavailable() throws Exception {
    ImportWrappingKey doomed = backend.createImportWrappingKey(WrappingKeySpec.RSA_2048);
    PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(doomed.publicKeyDer()));
    byte[] wrapped = oaepWrap(publicKey, randomBytes(32));

    backend.destroyImportWrappingKey(doomed.id());

    Session session = inspector(false);
    try {
      assertThat(session.findObjectsSingle(new AttributeVector().id(java.util.HexFormat.of().parseHex(doomed.id())), 10))
          .isEmpty();
    } finally {
      session.closeSession();
    }
    for (String id : List.of(doomed.id(), SoftHsmToken.randomHex(16), "not hex", "")) {
      assertThatThrownBy(() -> backend.importKey(Pkcs11KeyBackendTest.newId(), "k", KeySpec.SYMMETRIC_DEFAULT, id,
          OAEP_SHA_1, wrapped))
          .isInstanceOf(KeyUnavailableException.class);
    }
    backend.destroyImportWrappingKey(doomed.id()); // absent is fine
    backend.destroyImportWrappingKey("not hex");
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Session secret keys are the backend's copies of AES KMS keys, named by their material id; the
   * ephemeral key of RSA_AES_KEY_WRAP and the staging key of the length check have no CKA_ID and
   * must be gone.
   */
  private static void assertNoEphemeralKeyLeft(Session session) throws Exception {
    for (long object : session.findObjectsSingle(new AttributeVector().token(false).class_(CKO_SECRET_KEY), 100)) {
      assertThat(session.getAttrValues(object, CKA_ID).id()).as("a session key without a material id").hasSize(32);
    }
  }

  private static Session inspector(boolean readWrite) throws Exception {
    return TokenLookup.byLabel(backend.module(), token.label).openSession(readWrite);
  }

  /** Wraps material as AWS documents it for GetParametersForImport, with the shared wrapping key. */
  private static byte[] wrap(WrappingAlgorithm algorithm, byte[] material) throws Exception {
    if (algorithm == OAEP_SHA_1) {
      return oaepWrap(wrappingPublicKey, material);
    }
    // RSA_AES_KEY_WRAP_SHA_1: RSA-OAEP(ephemeral AES-256 key) || AES-KWP(ephemeral key, material)
    byte[] ephemeral = randomBytes(32);
    RFC5649WrapEngine kwp = new RFC5649WrapEngine(AESEngine.newInstance());
    kwp.init(true, new KeyParameter(ephemeral));
    byte[] first = oaepWrap(wrappingPublicKey, ephemeral);
    byte[] second = kwp.wrap(material, 0, material.length);
    byte[] wrapped = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, wrapped, first.length, second.length);
    return wrapped;
  }

  private static byte[] oaepWrap(PublicKey publicKey, byte[] material) throws Exception {
    Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
    cipher.init(Cipher.ENCRYPT_MODE, publicKey,
        new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
    return cipher.doFinal(material);
  }

  private static byte[] jdkGcm(int mode, byte[] key, byte[] iv, byte[] input) throws Exception {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
    cipher.updateAAD(AAD);
    return cipher.doFinal(input);
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static byte[] flip(byte[] bytes, int index) {
    byte[] copy = bytes.clone();
    copy[index] ^= 1;
    return copy;
  }
}
