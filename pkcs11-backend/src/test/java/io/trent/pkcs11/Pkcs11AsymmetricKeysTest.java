package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DECRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ENCRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_NEVER_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_UNWRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VERIFY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;

import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.EncryptionAlgorithm;
import io.trent.core.error.KmsException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.SigningAlgorithm;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Session;

/**
 * KMS key pairs on a real SoftHSM2 token: generation, Sign/Verify and RSA-OAEP, each checked
 * against an independent implementation (the JDK, Bouncy Castle, OpenSSL).
 */
class Pkcs11AsymmetricKeysTest {

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] MESSAGE = "the quick brown fox".getBytes(StandardCharsets.UTF_8);

  private static SoftHsmToken token;
  private static Pkcs11KeyBackend backend;
  private static final Map<KeySpec, KeyMaterialId> KEYS = new EnumMap<>(KeySpec.class);
  private static final Map<KeySpec, PublicKey> PUBLIC_KEYS = new EnumMap<>(KeySpec.class);
  /** Pairs created in the token from known private keys, so that the JDK can do the private half. */
  /** An RSA_2048 key with KeyUsage ENCRYPT_DECRYPT (the one in KEYS signs). */
  private static KeyMaterialId encryptingRsa;
  private static PublicKey encryptingRsaPublic;
  private static KeyMaterialId knownRsa;
  private static KeyPair knownRsaPair;
  private static KeyMaterialId knownEc;
  private static KeyPair knownEcPair;

  @BeforeAll
  static void openBackend() throws Exception {
    token = SoftHsmToken.create("asymmetric");
    backend = Pkcs11KeyBackend.open(token.settings());
    for (KeySpec spec : List.of(KeySpec.RSA_2048, KeySpec.ECC_NIST_P256, KeySpec.ECC_NIST_P384,
        KeySpec.ECC_NIST_P521, KeySpec.ECC_SECG_P256K1)) {
      KeyMaterialId id = Pkcs11KeyBackendTest.newId();
      byte[] spki = backend.createAsymmetricKey(id, "key-" + spec, spec, KeyUsage.SIGN_VERIFY);
      KEYS.put(spec, id);
      PUBLIC_KEYS.put(spec, publicKey(spki));
    }
    encryptingRsa = Pkcs11KeyBackendTest.newId();
    encryptingRsaPublic = publicKey(backend.createAsymmetricKey(encryptingRsa, "encrypting", KeySpec.RSA_2048,
        KeyUsage.ENCRYPT_DECRYPT));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    knownRsaPair = rsa.generateKeyPair();
    knownRsa = Pkcs11KeyBackendTest.newId();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    knownEcPair = ec.generateKeyPair();
    knownEc = Pkcs11KeyBackendTest.newId();
    Session session = inspector(true);
    try {
      createKnownRsaPair(session, knownRsa, knownRsaPair);
      createKnownEcPair(session, knownEc, knownEcPair);
    } finally {
      session.closeSession();
    }
  }

  @AfterAll
  static void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void keyPairsAreSensitiveNonExtractableTokenObjects() throws Exception {
    Session session = inspector(false);
    try {
      for (KeySpec spec : List.of(KeySpec.RSA_2048, KeySpec.ECC_NIST_P256)) {
        byte[] id = KEYS.get(spec).toBytes();
        long[] privateKeys = session.findObjectsSingle(new AttributeVector().class_(CKO_PRIVATE_KEY).id(id), 10);
        long[] publicKeys = session.findObjectsSingle(new AttributeVector().class_(CKO_PUBLIC_KEY).id(id), 10);
        assertThat(privateKeys).hasSize(1);
        assertThat(publicKeys).hasSize(1);

        AttributeVector privateKey = session.getAttrValues(privateKeys[0], CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE,
            CKA_EXTRACTABLE, CKA_NEVER_EXTRACTABLE, CKA_SIGN, CKA_DECRYPT, CKA_UNWRAP, CKA_LABEL);
        assertThat(privateKey.token()).isTrue();
        assertThat(privateKey.private_()).isTrue();
        assertThat(privateKey.sensitive()).isTrue();
        assertThat(privateKey.extractable()).isFalse();
        assertThat(privateKey.neverExtractable()).isTrue();
        assertThat(privateKey.sign()).isTrue();
        assertThat(privateKey.decrypt()).as("a signing key cannot decrypt").isFalse();
        assertThat(privateKey.unwrap()).isFalse();
        assertThat(privateKey.label()).isEqualTo("trent:key-" + spec);

        AttributeVector publicKey = session.getAttrValues(publicKeys[0], CKA_TOKEN, CKA_VERIFY, CKA_ENCRYPT, CKA_LABEL);
        assertThat(publicKey.token()).isTrue();
        assertThat(publicKey.verify()).isTrue();
        assertThat(publicKey.encrypt()).isFalse();
        assertThat(publicKey.label()).isEqualTo("trent:key-" + spec);
      }
    } finally {
      session.closeSession();
    }
  }

  @Test
  void returnsTheSubjectPublicKeyInfo() {
    RSAPublicKey rsa = (RSAPublicKey) PUBLIC_KEYS.get(KeySpec.RSA_2048);
    assertThat(rsa.getModulus().bitLength()).isEqualTo(2048);
    assertThat(rsa.getPublicExponent()).isEqualTo(BigInteger.valueOf(65537));

    Map<KeySpec, ASN1ObjectIdentifier> curves = Map.of(KeySpec.ECC_NIST_P256, SECObjectIdentifiers.secp256r1,
        KeySpec.ECC_NIST_P384, SECObjectIdentifiers.secp384r1, KeySpec.ECC_NIST_P521, SECObjectIdentifiers.secp521r1,
        KeySpec.ECC_SECG_P256K1, SECObjectIdentifiers.secp256k1);
    curves.forEach((spec, curve) -> {
      SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(PUBLIC_KEYS.get(spec).getEncoded());
      assertThat(spki.getAlgorithm().getAlgorithm()).isEqualTo(X9ObjectIdentifiers.id_ecPublicKey);
      assertThat(spki.getAlgorithm().getParameters()).isEqualTo(curve);
      assertThat(spki.getPublicKeyData().getOctets()[0]).as("uncompressed point").isEqualTo((byte) 4);
    });
  }

  static Stream<Arguments> signatures() {
    return Stream.of(
        Arguments.of(KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256),
        Arguments.of(KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_384),
        Arguments.of(KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_512),
        Arguments.of(KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PSS_SHA_256),
        Arguments.of(KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PSS_SHA_384),
        Arguments.of(KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PSS_SHA_512),
        Arguments.of(KeySpec.ECC_NIST_P256, SigningAlgorithm.ECDSA_SHA_256),
        Arguments.of(KeySpec.ECC_NIST_P384, SigningAlgorithm.ECDSA_SHA_384),
        Arguments.of(KeySpec.ECC_NIST_P521, SigningAlgorithm.ECDSA_SHA_512),
        Arguments.of(KeySpec.ECC_SECG_P256K1, SigningAlgorithm.ECDSA_SHA_256),
        // A digest longer than the order: the token truncates it, as ECDSA prescribes.
        Arguments.of(KeySpec.ECC_NIST_P256, SigningAlgorithm.ECDSA_SHA_512));
  }

  @ParameterizedTest
  @MethodSource("signatures")
  void signsDigestsThatTheJdkOrBouncyCastleVerifies(KeySpec spec, SigningAlgorithm algorithm) throws Exception {
    KeyMaterialId key = KEYS.get(spec);

    byte[] signature = backend.sign(key, algorithm, digest(algorithm, MESSAGE));

    assertThat(jcaVerify(spec, algorithm, PUBLIC_KEYS.get(spec), MESSAGE, signature)).isTrue();
    assertThat(jcaVerify(spec, algorithm, PUBLIC_KEYS.get(spec), "another message".getBytes(), signature)).isFalse();
    if (spec == KeySpec.RSA_2048) {
      assertThat(signature).hasSize(256);
    }
    assertThat(backend.verify(key, algorithm, digest(algorithm, MESSAGE), signature)).isTrue();
  }

  @ParameterizedTest
  @MethodSource("signatures")
  void verifyRejectsTamperedAndMalformedSignaturesAndKeepsItsSessions(KeySpec spec, SigningAlgorithm algorithm) {
    KeyMaterialId key = KEYS.get(spec);
    byte[] digest = digest(algorithm, MESSAGE);
    byte[] signature = backend.sign(key, algorithm, digest);
    byte[] otherDigest = digest(algorithm, "other".getBytes());

    for (int i = 0; i < 6; i++) { // more rejections than pooled sessions
      byte[] flipped = signature.clone();
      flipped[flipped.length / 2 + i] ^= 0x10;
      assertThat(backend.verify(key, algorithm, digest, flipped)).as("bit flipped").isFalse();
      assertThat(backend.verify(key, algorithm, otherDigest, signature)).as("other digest").isFalse();
      assertThat(backend.verify(key, algorithm, digest, randomBytes(signature.length))).as("garbage").isFalse();
    }
    assertThat(backend.verify(key, algorithm, digest, new byte[0])).isFalse();
    assertThat(backend.verify(key, algorithm, digest, new byte[] {0x30, 0x00})).isFalse();
    assertThat(backend.verify(key, algorithm, digest, java.util.Arrays.copyOf(signature, signature.length - 1))).isFalse();
    assertThat(backend.verify(key, algorithm, digest, java.util.Arrays.copyOf(signature, signature.length + 1))).isFalse();
    if (spec != KeySpec.RSA_2048 && (signature[1] & 0x80) == 0) {
      // BER with a long-form length: the same integers, but not DER, which AWS and the JDK refuse too.
      byte[] ber = new byte[signature.length + 1];
      ber[0] = 0x30;
      ber[1] = (byte) 0x81;
      ber[2] = signature[1];
      System.arraycopy(signature, 2, ber, 3, signature.length - 2);
      assertThat(backend.verify(key, algorithm, digest, ber)).isFalse();
    }

    assertThat(backend.verify(key, algorithm, digest, signature)).isTrue();
    assertThat(backend.isHealthy()).isTrue();
  }

  static Stream<Arguments> jdkSignatures() {
    return Stream.of(
        Arguments.of(SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256), Arguments.of(SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_512),
        Arguments.of(SigningAlgorithm.RSASSA_PSS_SHA_256), Arguments.of(SigningAlgorithm.RSASSA_PSS_SHA_384),
        Arguments.of(SigningAlgorithm.ECDSA_SHA_256));
  }

  @ParameterizedTest
  @MethodSource("jdkSignatures")
  void verifiesSignaturesTheJdkMadeOverTheSameDigest(SigningAlgorithm algorithm) throws Exception {
    boolean ec = algorithm.name().startsWith("ECDSA");
    KeyMaterialId key = ec ? knownEc : knownRsa;
    KeyPair pair = ec ? knownEcPair : knownRsaPair;
    Signature signer = jcaSignature(ec ? KeySpec.ECC_NIST_P256 : KeySpec.RSA_2048, algorithm);
    signer.initSign(pair.getPrivate());
    signer.update(MESSAGE);
    byte[] signature = signer.sign();

    assertThat(backend.verify(key, algorithm, digest(algorithm, MESSAGE), signature)).isTrue();
    assertThat(backend.verify(key, algorithm, digest(algorithm, "x".getBytes()), signature)).isFalse();
    // and the other way round, with a pair the backend did not create (its handles come from C_FindObjects)
    byte[] ours = backend.sign(key, algorithm, digest(algorithm, MESSAGE));
    assertThat(jcaVerify(ec ? KeySpec.ECC_NIST_P256 : KeySpec.RSA_2048, algorithm, pair.getPublic(), MESSAGE, ours))
        .isTrue();
  }

  @Test
  void opensslVerifiesTheSignatures(@TempDir Path directory) throws Exception {
    assumeThat(Files.isExecutable(Path.of("/usr/bin/openssl"))).as("openssl installed").isTrue();
    Path message = Files.write(directory.resolve("message"), MESSAGE);
    record Case(KeySpec spec, SigningAlgorithm algorithm, String digest, List<String> options) {}
    List<Case> cases = List.of(
        new Case(KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256, "-sha256", List.of()),
        new Case(KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PSS_SHA_384, "-sha384", List.of(
            "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:48", "-sigopt", "rsa_mgf1_md:sha384")),
        new Case(KeySpec.ECC_NIST_P521, SigningAlgorithm.ECDSA_SHA_512, "-sha512", List.of()),
        new Case(KeySpec.ECC_SECG_P256K1, SigningAlgorithm.ECDSA_SHA_256, "-sha256", List.of()));
    for (Case c : cases) {
      Path publicKey = Files.writeString(directory.resolve(c.spec() + ".pem"), "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder().encodeToString(PUBLIC_KEYS.get(c.spec()).getEncoded()) + "\n-----END PUBLIC KEY-----\n");
      Path signature = Files.write(directory.resolve(c.algorithm() + ".sig"),
          backend.sign(KEYS.get(c.spec()), c.algorithm(), digest(c.algorithm(), MESSAGE)));
      List<String> command = new ArrayList<>(List.of("openssl", "dgst", c.digest(), "-verify", publicKey.toString(),
          "-signature", signature.toString()));
      command.addAll(c.options());
      command.add(message.toString());

      assertThat(run(command)).as(c.toString()).contains("Verified OK");
    }
  }

  @ParameterizedTest
  @EnumSource(value = EncryptionAlgorithm.class, names = {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"})
  void rsaOaepRoundTripsWithTheJdk(EncryptionAlgorithm algorithm) throws Exception {
    KeyMaterialId key = encryptingRsa;
    byte[] plaintext = randomBytes(algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1 ? 214 : 190); // the maxima

    byte[] fromJdk = jdkOaep(Cipher.ENCRYPT_MODE, encryptingRsaPublic, algorithm, plaintext);
    assertThat(backend.rsaDecrypt(key, algorithm, fromJdk)).as("JDK ciphertext decrypts in the token").isEqualTo(plaintext);

    byte[] fromBackend = backend.rsaEncrypt(knownRsa, algorithm, plaintext);
    assertThat(fromBackend).hasSize(256);
    assertThat(jdkOaep(Cipher.DECRYPT_MODE, knownRsaPair.getPrivate(), algorithm, fromBackend))
        .as("backend ciphertext decrypts in the JDK").isEqualTo(plaintext);

    byte[] roundTrip = backend.rsaEncrypt(key, algorithm, new byte[] {42});
    assertThat(backend.rsaDecrypt(key, algorithm, roundTrip)).containsExactly(42);
    assertThat(backend.rsaEncrypt(key, algorithm, new byte[] {42})).as("randomized").isNotEqualTo(roundTrip);

    assertThatThrownBy(() -> backend.rsaEncrypt(key, algorithm, new byte[plaintext.length + 1]))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> backend.rsaEncrypt(key, algorithm, new byte[0]))
        .isInstanceOf(ValidationException.class);
  }

  @ParameterizedTest
  @EnumSource(value = EncryptionAlgorithm.class, names = {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"})
  void rsaDecryptRefusesBadCiphertextsAlikeAndKeepsItsSessions(EncryptionAlgorithm algorithm) throws Exception {
    KeyMaterialId key = encryptingRsa;
    PublicKey publicKey = encryptingRsaPublic;
    byte[] plaintext = "secret".getBytes(StandardCharsets.UTF_8);
    byte[] ciphertext = jdkOaep(Cipher.ENCRYPT_MODE, publicKey, algorithm, plaintext);
    EncryptionAlgorithm other = algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1
        ? EncryptionAlgorithm.RSAES_OAEP_SHA_256 : EncryptionAlgorithm.RSAES_OAEP_SHA_1;
    byte[] modulus = ((RSAPublicKey) publicKey).getModulus().toByteArray();
    List<byte[]> bad = List.of(
        flip(ciphertext, 100), flip(ciphertext, 0), randomBytes(256), new byte[256],
        java.util.Arrays.copyOfRange(modulus, modulus.length - 256, modulus.length), // = n, out of range
        filled(256, (byte) 0xFF), java.util.Arrays.copyOf(ciphertext, 255), java.util.Arrays.copyOf(ciphertext, 257),
        new byte[0], jdkOaep(Cipher.ENCRYPT_MODE, publicKey, other, plaintext));

    for (int round = 0; round < 2; round++) {
      for (byte[] candidate : bad) {
        assertThatThrownBy(() -> backend.rsaDecrypt(key, algorithm, candidate))
            .isInstanceOf(InvalidCiphertextException.class);
      }
    }

    assertThat(backend.rsaDecrypt(key, algorithm, ciphertext)).isEqualTo(plaintext);
    assertThat(backend.isHealthy()).isTrue();
  }

  @Test
  void refusesAlgorithmsTheKeyCannotDo() {
    KeyMaterialId rsa = KEYS.get(KeySpec.RSA_2048);
    KeyMaterialId ec = KEYS.get(KeySpec.ECC_NIST_P256);
    byte[] digest32 = new byte[32];

    assertThatThrownBy(() -> backend.sign(rsa, SigningAlgorithm.ECDSA_SHA_256, digest32))
        .isInstanceOf(InvalidKeyUsageException.class);
    assertThatThrownBy(() -> backend.sign(ec, SigningAlgorithm.RSASSA_PSS_SHA_256, digest32))
        .isInstanceOf(InvalidKeyUsageException.class);
    assertThatThrownBy(() -> backend.verify(ec, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256, digest32, new byte[256]))
        .isInstanceOf(InvalidKeyUsageException.class);
    assertThatThrownBy(() -> backend.rsaEncrypt(ec, EncryptionAlgorithm.RSAES_OAEP_SHA_256, new byte[1]))
        .isInstanceOf(InvalidKeyUsageException.class);
    assertThatThrownBy(() -> backend.rsaDecrypt(rsa, EncryptionAlgorithm.SYMMETRIC_DEFAULT, new byte[256]))
        .isInstanceOf(InvalidKeyUsageException.class);
    assertThatThrownBy(() -> backend.rsaEncrypt(rsa, EncryptionAlgorithm.SM2PKE, new byte[1]))
        .isInstanceOf(KmsUnsupportedOperationException.class);
    assertThatThrownBy(() -> backend.sign(ec, SigningAlgorithm.SM2DSA, digest32))
        .isInstanceOf(KmsUnsupportedOperationException.class)
        .hasMessage("SigningAlgorithm SM2DSA is not supported by this HSM.");
    assertThatThrownBy(() -> backend.sign(ec, SigningAlgorithm.ML_DSA_SHAKE_256, new byte[64]))
        .isInstanceOf(KmsUnsupportedOperationException.class);
    assertThatThrownBy(() -> backend.sign(ec, SigningAlgorithm.ECDSA_SHA_256, new byte[31]))
        .isInstanceOf(ValidationException.class)
        .hasMessage("Digest is invalid length for algorithm ECDSA_SHA_256.");
    assertThatThrownBy(() -> backend.verify(rsa, SigningAlgorithm.RSASSA_PSS_SHA_512, digest32, new byte[256]))
        .isInstanceOf(ValidationException.class);
    assertThat(backend.sign(ec, SigningAlgorithm.ECDSA_SHA_256, digest32)).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = KeySpec.class, names = {"SM2", "ECC_NIST_EDWARDS25519", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87"})
  void refusesSpecsTheHsmCannotGenerate(KeySpec spec) {
    KeyMaterialId id = Pkcs11KeyBackendTest.newId();

    assertThatThrownBy(() -> backend.createAsymmetricKey(id, "unsupported", spec, KeyUsage.SIGN_VERIFY))
        .isInstanceOf(KmsUnsupportedOperationException.class)
        .hasMessage("KeySpec " + spec + " is not supported by this HSM.");
    assertThat(backend.keyExists(id)).isFalse();
    assertThatThrownBy(() -> backend.createAsymmetricKey(id, "symmetric", KeySpec.HMAC_256, KeyUsage.SIGN_VERIFY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void generatesRsa3072And4096KeysThatSign() throws Exception {
    for (KeySpec spec : List.of(KeySpec.RSA_3072, KeySpec.RSA_4096)) {
      KeyMaterialId id = Pkcs11KeyBackendTest.newId();
      RSAPublicKey publicKey = (RSAPublicKey) publicKey(backend.createAsymmetricKey(id, "big", spec, KeyUsage.SIGN_VERIFY));
      assertThat(publicKey.getModulus().bitLength()).isEqualTo(Integer.parseInt(spec.name().substring(4)));
      for (SigningAlgorithm algorithm : List.of(SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256,
          SigningAlgorithm.RSASSA_PSS_SHA_512)) {
        byte[] signature = backend.sign(id, algorithm, digest(algorithm, MESSAGE));
        assertThat(jcaVerify(spec, algorithm, publicKey, MESSAGE, signature)).isTrue();
        assertThat(backend.verify(id, algorithm, digest(algorithm, MESSAGE), signature)).isTrue();
      }
      byte[] ciphertext = jdkOaep(Cipher.ENCRYPT_MODE, publicKey, EncryptionAlgorithm.RSAES_OAEP_SHA_256, MESSAGE);
      // The HSM itself refuses to decrypt with a signing key (CKA_DECRYPT=false).
      assertThatThrownBy(() -> backend.rsaDecrypt(id, EncryptionAlgorithm.RSAES_OAEP_SHA_256, ciphertext))
          .isInstanceOf(KmsException.class);
      backend.destroyKey(id);

      KeyMaterialId encrypting = Pkcs11KeyBackendTest.newId();
      RSAPublicKey encryptingPublic = (RSAPublicKey) publicKey(
          backend.createAsymmetricKey(encrypting, "big-encrypting", spec, KeyUsage.ENCRYPT_DECRYPT));
      byte[] forEncrypting = jdkOaep(Cipher.ENCRYPT_MODE, encryptingPublic, EncryptionAlgorithm.RSAES_OAEP_SHA_256, MESSAGE);
      assertThat(backend.rsaDecrypt(encrypting, EncryptionAlgorithm.RSAES_OAEP_SHA_256, forEncrypting)).isEqualTo(MESSAGE);
      backend.destroyKey(encrypting);
    }
  }

  @Test
  void destroyKeyRemovesBothHalvesAndTheCachedHandles() throws Exception {
    KeyMaterialId id = Pkcs11KeyBackendTest.newId();
    backend.createAsymmetricKey(id, "doomed", KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY);
    byte[] digest = digest(SigningAlgorithm.ECDSA_SHA_256, MESSAGE);
    byte[] signature = backend.sign(id, SigningAlgorithm.ECDSA_SHA_256, digest);
    assertThat(backend.keyExists(id)).isTrue();

    backend.destroyKey(id);

    assertThat(backend.keyExists(id)).isFalse();
    Session session = inspector(false);
    try {
      assertThat(session.findObjectsSingle(new AttributeVector().id(id.toBytes()), 10)).isEmpty();
    } finally {
      session.closeSession();
    }
    assertThatThrownBy(() -> backend.sign(id, SigningAlgorithm.ECDSA_SHA_256, digest))
        .isInstanceOf(KeyUnavailableException.class);
    assertThatThrownBy(() -> backend.verify(id, SigningAlgorithm.ECDSA_SHA_256, digest, signature))
        .isInstanceOf(KeyUnavailableException.class);
    backend.destroyKey(id); // absent is fine
  }

  @Test
  void materialOfAnotherKindIsUnavailable() {
    KeyMaterialId aes = Pkcs11KeyBackendTest.newId();
    backend.createSymmetricKey(aes, "aes");

    assertThatThrownBy(() -> backend.sign(aes, SigningAlgorithm.ECDSA_SHA_256, new byte[32]))
        .isInstanceOf(KeyUnavailableException.class);
    assertThatThrownBy(() -> backend.sign(Pkcs11KeyBackendTest.newId(), SigningAlgorithm.ECDSA_SHA_256, new byte[32]))
        .isInstanceOf(KeyUnavailableException.class);
    assertThatThrownBy(() -> backend.createAsymmetricKey(aes, "again", KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY))
        .as("an id names one key").isInstanceOf(io.trent.core.error.KmsInternalException.class);
    backend.destroyKey(aes);
  }

  @Test
  void signsFromSeveralThreads() throws Exception {
    KeyMaterialId key = KEYS.get(KeySpec.ECC_NIST_P256);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
        results.add(pool.submit(() -> {
          byte[] signature = backend.sign(key, SigningAlgorithm.ECDSA_SHA_256, digest(SigningAlgorithm.ECDSA_SHA_256, message));
          return jcaVerify(KeySpec.ECC_NIST_P256, SigningAlgorithm.ECDSA_SHA_256, PUBLIC_KEYS.get(KeySpec.ECC_NIST_P256),
              message, signature);
        }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void createsKeysOfEveryKindFromSeveralThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<KeyMaterialId> ids = new ArrayList<>();
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        KeyMaterialId id = Pkcs11KeyBackendTest.newId();
        ids.add(id);
        int kind = i % 3;
        results.add(pool.submit(() -> {
          switch (kind) {
            case 0 -> backend.createAsymmetricKey(id, "concurrent", KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY);
            case 1 -> backend.createHmacKey(id, "concurrent", KeySpec.HMAC_256);
            default -> backend.createSymmetricKey(id, "concurrent");
          }
          return null;
        }));
      }
      for (Future<?> result : results) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }
    for (KeyMaterialId id : ids) {
      assertThat(backend.keyExists(id)).isTrue();
      backend.destroyKey(id);
      assertThat(backend.keyExists(id)).isFalse();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static Session inspector(boolean readWrite) throws Exception {
    return TokenLookup.byLabel(backend.module(), token.label).openSession(readWrite);
  }

  private static PublicKey publicKey(byte[] spki) throws Exception {
    SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(spki);
    String algorithm = info.getAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey) ? "EC" : "RSA";
    // JDK 17 has no secp256k1, so Bouncy Castle parses every key.
    return KeyFactory.getInstance(algorithm, BC).generatePublic(new X509EncodedKeySpec(spki));
  }

  static byte[] digest(SigningAlgorithm algorithm, byte[] message) {
    try {
      return MessageDigest.getInstance(algorithm.digest()).digest(message);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Signature jcaSignature(KeySpec spec, SigningAlgorithm algorithm) throws Exception {
    String hash = algorithm.digest().replace("-", "");
    if (algorithm.name().startsWith("RSASSA_PSS")) {
      Signature pss = Signature.getInstance("RSASSA-PSS");
      pss.setParameter(new PSSParameterSpec(algorithm.digest(), "MGF1", new MGF1ParameterSpec(algorithm.digest()),
          algorithm.digestLength(), PSSParameterSpec.TRAILER_FIELD_BC));
      return pss;
    }
    String name = hash + (algorithm.name().startsWith("ECDSA") ? "withECDSA" : "withRSA");
    return spec == KeySpec.ECC_SECG_P256K1 ? Signature.getInstance(name, BC) : Signature.getInstance(name);
  }

  private static boolean jcaVerify(KeySpec spec, SigningAlgorithm algorithm, PublicKey publicKey, byte[] message,
                                   byte[] signature) throws Exception {
    Signature verifier = jcaSignature(spec, algorithm);
    // A Bouncy Castle key object (from publicKey()) works with the JDK providers after re-encoding.
    PublicKey key = spec == KeySpec.ECC_SECG_P256K1 ? publicKey
        : KeyFactory.getInstance(publicKey.getAlgorithm()).generatePublic(new X509EncodedKeySpec(publicKey.getEncoded()));
    verifier.initVerify(key);
    verifier.update(message);
    return verifier.verify(signature);
  }

  private static byte[] jdkOaep(int mode, java.security.Key key, EncryptionAlgorithm algorithm, byte[] input)
      throws Exception {
    String hash = algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1 ? "SHA-1" : "SHA-256";
    MGF1ParameterSpec mgf = algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1 ? MGF1ParameterSpec.SHA1 : MGF1ParameterSpec.SHA256;
    Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
    java.security.Key jdkKey = key instanceof PublicKey publicKey
        ? KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(publicKey.getEncoded())) : key;
    cipher.init(mode, jdkKey, new OAEPParameterSpec(hash, "MGF1", mgf, PSource.PSpecified.DEFAULT));
    return cipher.doFinal(input);
  }

  private static void createKnownRsaPair(Session session, KeyMaterialId id, KeyPair pair) throws Exception {
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) pair.getPrivate();
    session.createObject(AttributeVector.newRSAPrivateKey()
        .token(true).private_(true).sensitive(true).extractable(false).sign(true).decrypt(true)
        .id(id.toBytes()).label("trent:known-rsa")
        .modulus(key.getModulus()).publicExponent(key.getPublicExponent()).privateExponent(key.getPrivateExponent())
        .prime1(key.getPrimeP()).prime2(key.getPrimeQ()).exponent1(key.getPrimeExponentP())
        .exponent2(key.getPrimeExponentQ()).coefficient(key.getCrtCoefficient()));
    session.createObject(AttributeVector.newRSAPublicKey()
        .token(true).private_(true).verify(true).encrypt(true).id(id.toBytes()).label("trent:known-rsa")
        .modulus(key.getModulus()).publicExponent(key.getPublicExponent()));
  }

  private static void createKnownEcPair(Session session, KeyMaterialId id, KeyPair pair) throws Exception {
    byte[] curve = SECObjectIdentifiers.secp256r1.getEncoded();
    byte[] point = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData().getOctets();
    byte[] privateValue = ((ECPrivateKey) pair.getPrivate()).getS().toByteArray();
    session.createObject(AttributeVector.newECPrivateKey()
        .token(true).private_(true).sensitive(true).extractable(false).sign(true)
        .id(id.toBytes()).label("trent:known-ec").ecParams(curve).value(privateValue));
    session.createObject(AttributeVector.newECPublicKey()
        .token(true).private_(true).verify(true).id(id.toBytes()).label("trent:known-ec")
        .ecParams(curve).ecPoint(point)); // the wrapper wraps the point in its DER OCTET STRING
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return output;
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

  private static byte[] filled(int length, byte value) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, value);
    return bytes;
  }
}
