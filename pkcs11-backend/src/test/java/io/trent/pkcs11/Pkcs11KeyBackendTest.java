package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ALWAYS_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DERIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_NEVER_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_UNWRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE_LEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_WRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.DataKeyPairSpec;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.spi.GeneratedDataKey;
import io.trent.core.spi.GeneratedKeyPair;
import io.trent.core.spi.SealedBytes;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;

/** The backend's behaviour on a real SoftHSM2 token. */
class Pkcs11KeyBackendTest {

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static final byte[] AAD = "context: test".getBytes(StandardCharsets.UTF_8);

  private static SoftHsmToken token;
  private static Pkcs11KeyBackend backend;
  private static KeyMaterialId key;

  @BeforeAll
  static void openBackend() {
    token = SoftHsmToken.create("backend");
    backend = Pkcs11KeyBackend.open(token.settings());
    key = newId();
    backend.createSymmetricKey(key, "1234abcd-12ab-34cd-56ef-1234567890ab");
  }

  @AfterAll
  static void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void encryptsAndDecrypts() {
    byte[] plaintext = "attack at dawn".getBytes(StandardCharsets.UTF_8);

    SealedBytes sealed = backend.encrypt(key, plaintext, AAD);

    assertThat(sealed.iv()).hasSize(12);
    assertThat(sealed.ciphertextAndTag()).hasSize(plaintext.length + 16);
    assertThat(backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), AAD)).isEqualTo(plaintext);
    assertThat(backend.encrypt(key, plaintext, AAD).iv()).isNotEqualTo(sealed.iv());
  }

  @Test
  void encryptsWithoutAad() {
    SealedBytes sealed = backend.encrypt(key, new byte[] {42}, null);

    assertThat(backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), new byte[0])).containsExactly(42);
  }

  @Test
  void rejectsWrongAadAndTamperedCiphertextAndKeepsWorking() {
    byte[] plaintext = "secret".getBytes(StandardCharsets.UTF_8);
    SealedBytes sealed = backend.encrypt(key, plaintext, AAD);
    byte[] flipped = sealed.ciphertextAndTag().clone();
    flipped[0] ^= 1;
    byte[] flippedTag = sealed.ciphertextAndTag().clone();
    flippedTag[flippedTag.length - 1] ^= (byte) 0x80;

    for (int i = 0; i < 10; i++) { // more failures than sessions: kept sessions must still work
      assertThatThrownBy(() -> backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), "other".getBytes()))
          .isInstanceOf(InvalidCiphertextException.class);
      assertThatThrownBy(() -> backend.decrypt(key, sealed.iv(), flipped, AAD))
          .isInstanceOf(InvalidCiphertextException.class);
      assertThatThrownBy(() -> backend.decrypt(key, sealed.iv(), flippedTag, AAD))
          .isInstanceOf(InvalidCiphertextException.class);
    }
    assertThatThrownBy(() -> backend.decrypt(key, new byte[11], sealed.ciphertextAndTag(), AAD))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThatThrownBy(() -> backend.decrypt(key, sealed.iv(), new byte[16], AAD))
        .isInstanceOf(InvalidCiphertextException.class);

    assertThat(backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), AAD)).isEqualTo(plaintext);
    assertThat(backend.isHealthy()).isTrue();
  }

  @Test
  void rejectsEmptyPlaintextAndBadRandomLengthsBeforeTheToken() {
    assertThatThrownBy(() -> backend.encrypt(key, new byte[0], AAD)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> backend.generateRandom(0)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> backend.generateRandom(1025)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> backend.generateDataKey(key, 0, AAD)).isInstanceOf(ValidationException.class);

    assertThat(backend.generateRandom(1)).hasSize(1);
    assertThat(backend.generateRandom(1024)).hasSize(1024);
    assertThat(backend.encrypt(key, new byte[] {1}, AAD).ciphertextAndTag()).hasSize(17);
  }

  @Test
  void generatesDistinctDataKeysThatDecrypt() {
    Set<String> seen = new HashSet<>();
    Set<String> ivs = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      GeneratedDataKey dataKey = backend.generateDataKey(key, 32, AAD);

      assertThat(dataKey.plaintext()).hasSize(32);
      assertThat(seen.add(SoftHsmToken.hex(dataKey.plaintext()))).isTrue();
      // Key and IV come from one RNG draw: disjoint parts of it, and a fresh IV every time.
      assertThat(dataKey.sealed().iv()).hasSize(12);
      assertThat(ivs.add(SoftHsmToken.hex(dataKey.sealed().iv()))).isTrue();
      assertThat(SoftHsmToken.hex(dataKey.plaintext())).doesNotContain(SoftHsmToken.hex(dataKey.sealed().iv()));
      assertThat(backend.decrypt(key, dataKey.sealed().iv(), dataKey.sealed().ciphertextAndTag(), AAD))
          .isEqualTo(dataKey.plaintext());
    }
    assertThat(backend.generateDataKey(key, 16, AAD).plaintext()).hasSize(16);
  }

  @Test
  void sealsSecretsUnderOneLabelledSensitiveKeyAndRefusesAnotherAad() throws Exception {
    byte[] secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".getBytes(StandardCharsets.US_ASCII);
    byte[] aad = "trent-credential:AKIAEXAMPLE".getBytes(StandardCharsets.US_ASCII);

    SealedBytes first = backend.seal(aad, secret);
    SealedBytes second = backend.seal(aad, secret);

    assertThat(backend.unseal(aad, first)).isEqualTo(secret);
    assertThat(backend.unseal(aad, second)).isEqualTo(secret);
    assertThat(first.ciphertextAndTag()).isNotEqualTo(second.ciphertextAndTag());
    assertThatThrownBy(() -> backend.unseal("trent-credential:AKIAOTHER".getBytes(StandardCharsets.US_ASCII), first))
        .isInstanceOf(InvalidCiphertextException.class);
    Token hsm = TokenLookup.byLabel(backend.module(), token.label);
    Session inspector = hsm.openSession(false);
    try {
      long[] objects = inspector.findObjectsSingle(new AttributeVector()
          .class_(CKO_SECRET_KEY).token(true).id(SealKey.ID.toBytes()), 10);
      assertThat(objects).as("one sealing key, created on first use").hasSize(1);
      AttributeVector attributes = inspector.getAttrValues(objects[0], CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_LABEL);
      assertThat(attributes.label()).isEqualTo("trent:credential-seal");
      assertThat(attributes.sensitive()).isTrue();
      assertThat(attributes.extractable()).isFalse();
    } finally {
      inspector.closeSession();
    }
  }

  @Test
  void keyObjectIsASensitiveNonExtractableAes256TokenObject() throws Exception {
    Token hsm = TokenLookup.byLabel(backend.module(), token.label);
    Session inspector = hsm.openSession(false);
    try {
      long[] objects = inspector.findObjectsSingle(new AttributeVector()
          .class_(CKO_SECRET_KEY).id(key.toBytes()), 10);
      // A locked (unmodifiable, uncopyable) key gets no session copy: SoftHSM2 refuses to copy it.
      assertThat(objects).as("the token object, and no session copy").hasSize(1);
      int tokenObjects = 0;
      for (long object : objects) {
        AttributeVector attributes = inspector.getAttrValues(object, CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE,
            CKA_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_VALUE_LEN, CKA_LABEL,
            CKA_WRAP, CKA_UNWRAP, CKA_SIGN, CKA_DERIVE);
        assertThat(attributes.sensitive()).isTrue();
        // SoftHSM2 defaults CKA_WRAP/UNWRAP/SIGN/VERIFY to true unless the template says otherwise.
        assertThat(attributes.wrap()).isFalse();
        assertThat(attributes.unwrap()).isFalse();
        assertThat(attributes.sign()).isFalse();
        assertThat(attributes.derive()).isFalse();
        assertThat(attributes.extractable()).isFalse();
        assertThat(attributes.alwaysSensitive()).isTrue();
        assertThat(attributes.neverExtractable()).isTrue();
        assertThat(attributes.private_()).isTrue();
        assertThat(attributes.valueLen()).isEqualTo(32);
        if (attributes.token()) {
          tokenObjects++;
          assertThat(attributes.label()).isEqualTo("trent:1234abcd-12ab-34cd-56ef-1234567890ab");
        }
      }
      assertThat(tokenObjects).isEqualTo(1);
    } finally {
      inspector.closeSession();
    }
  }

  /**
   * Creates a symmetric KMS key object as versions before the lock-down did (modifiable, copyable),
   * so that tests can cover the session copies such keys still get.
   */
  static void createLegacySymmetricKey(Pkcs11KeyBackend backend, String tokenLabel, KeyMaterialId id, String keyId)
      throws Exception {
    Session creator = TokenLookup.byLabel(backend.module(), tokenLabel).openSession(true);
    try {
      creator.generateKey(new Mechanism(CKM_AES_KEY_GEN), AttributeVector.newAESSecretKey()
          .token(true).private_(true).sensitive(true).extractable(false).encrypt(true).decrypt(true)
          .wrap(false).unwrap(false).sign(false).verify(false).derive(false)
          .valueLen(32).id(id.toBytes()).label("trent:" + keyId));
    } finally {
      creator.closeSession();
    }
  }

  @Test
  void fallsBackToTheTokenObjectWhenTheHsmRefusesACopy() throws Exception {
    KeyMaterialId uncopyable = newId();
    Token hsm = TokenLookup.byLabel(backend.module(), token.label);
    Session creator = hsm.openSession(true);
    try {
      creator.generateKey(new Mechanism(CKM_AES_KEY_GEN), AttributeVector.newAESSecretKey()
          .token(true).private_(true).sensitive(true).extractable(false).encrypt(true).decrypt(true)
          .valueLen(32).id(uncopyable.toBytes()).copyable(false));

      SealedBytes sealed = backend.encrypt(uncopyable, new byte[] {5}, AAD);

      assertThat(backend.decrypt(uncopyable, sealed.iv(), sealed.ciphertextAndTag(), AAD)).containsExactly(5);
      assertThat(creator.findObjectsSingle(new AttributeVector().id(uncopyable.toBytes()).token(false), 10))
          .as("no session copy was made").isEmpty();
      // A key as earlier versions created it (modifiable, copyable) does get one.
      KeyMaterialId legacy = newId();
      creator.generateKey(new Mechanism(CKM_AES_KEY_GEN), AttributeVector.newAESSecretKey()
          .token(true).private_(true).sensitive(true).extractable(false).encrypt(true).decrypt(true)
          .valueLen(32).id(legacy.toBytes()));
      backend.encrypt(legacy, new byte[] {6}, AAD);
      assertThat(creator.findObjectsSingle(new AttributeVector().id(legacy.toBytes()).token(false), 10))
          .as("copyable keys do get one").hasSize(1);
      backend.destroyKey(legacy);
    } finally {
      creator.closeSession();
      backend.destroyKey(uncopyable);
    }
  }

  @Test
  void unknownMaterialIsUnavailable() {
    KeyMaterialId unknown = newId();

    assertThat(backend.keyExists(unknown)).isFalse();
    assertThatThrownBy(() -> backend.encrypt(unknown, new byte[] {1}, AAD))
        .isInstanceOf(KeyUnavailableException.class);
    assertThatThrownBy(() -> backend.generateDataKey(unknown, 32, AAD))
        .isInstanceOf(KeyUnavailableException.class);
    assertThatThrownBy(() -> backend.decrypt(unknown, new byte[12], new byte[32], AAD))
        .isInstanceOf(KeyUnavailableException.class);
  }

  @Test
  void destroyedKeyIsUnavailable() {
    KeyMaterialId doomed = newId();
    backend.createSymmetricKey(doomed, "doomed");
    SealedBytes sealed = backend.encrypt(doomed, new byte[] {7}, AAD);
    assertThat(backend.keyExists(doomed)).isTrue();

    backend.destroyKey(doomed);

    assertThat(backend.keyExists(doomed)).isFalse();
    assertThatThrownBy(() -> backend.decrypt(doomed, sealed.iv(), sealed.ciphertextAndTag(), AAD))
        .isInstanceOf(KeyUnavailableException.class);
    assertThatThrownBy(() -> backend.generateDataKey(doomed, 32, AAD))
        .isInstanceOf(KeyUnavailableException.class);
    backend.destroyKey(doomed); // absent is fine
    assertThat(backend.encrypt(key, new byte[] {1}, AAD)).isNotNull();
  }

  @Test
  void supportsRsaAndWeierstrassCurvesOnly() {
    assertThat(backend.supportedKeyPairSpecs()).containsExactlyInAnyOrder(
        DataKeyPairSpec.RSA_2048, DataKeyPairSpec.RSA_3072, DataKeyPairSpec.RSA_4096,
        DataKeyPairSpec.ECC_NIST_P256, DataKeyPairSpec.ECC_NIST_P384, DataKeyPairSpec.ECC_NIST_P521,
        DataKeyPairSpec.ECC_SECG_P256K1);
    assertThatThrownBy(() -> backend.generateDataKeyPair(key, DataKeyPairSpec.SM2, AAD))
        .isInstanceOf(KmsUnsupportedOperationException.class)
        .hasMessage("KeyPairSpec SM2 is not supported by this HSM.");
    assertThatThrownBy(() -> backend.generateDataKeyPair(key, DataKeyPairSpec.ECC_NIST_EDWARDS25519, AAD))
        .isInstanceOf(KmsUnsupportedOperationException.class);
  }

  @ParameterizedTest
  @EnumSource(value = DataKeyPairSpec.class, names = {"RSA_2048", "RSA_3072", "RSA_4096",
      "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"})
  void generatesMatchingDataKeyPairs(DataKeyPairSpec spec) throws Exception {
    GeneratedKeyPair pair = backend.generateDataKeyPair(key, spec, AAD);

    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(pair.publicKeyDer());
    PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(pair.privateKeyDer());
    assertThat(spki.getEncoded("DER")).isEqualTo(pair.publicKeyDer());
    assertThat(pkcs8.getEncoded("DER")).isEqualTo(pair.privateKeyDer());
    assertThat(pkcs8.getPrivateKeyAlgorithm()).isEqualTo(spki.getAlgorithm());
    String algorithm;
    String signatureAlgorithm;
    if (spec.name().startsWith("RSA")) {
      algorithm = "RSA";
      signatureAlgorithm = "SHA256withRSA";
      assertThat(spki.getAlgorithm().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.rsaEncryption);
      assertThat(spki.getAlgorithm().getParameters()).isEqualTo(DERNull.INSTANCE);
      RSAPrivateKey rsa = RSAPrivateKey.getInstance(pkcs8.parsePrivateKey());
      assertThat(rsa.getModulus().bitLength()).isEqualTo(Integer.parseInt(spec.name().substring(4)));
      assertThat(rsa.getPublicExponent().intValue()).isEqualTo(65537);
      assertThat(rsa.getPrime1().multiply(rsa.getPrime2())).isEqualTo(rsa.getModulus());
      assertThat(rsa.getCoefficient().signum()).isPositive();
    } else {
      algorithm = "EC";
      signatureAlgorithm = "SHA256withECDSA";
      KeyPairAlgorithm expected = KeyPairAlgorithm.of(spec).orElseThrow();
      assertThat(spki.getAlgorithm().getAlgorithm()).isEqualTo(X9ObjectIdentifiers.id_ecPublicKey);
      assertThat(ASN1ObjectIdentifier.getInstance(spki.getAlgorithm().getParameters())).isEqualTo(expected.curve());
      ASN1Sequence ecSequence = ASN1Sequence.getInstance(pkcs8.parsePrivateKey());
      assertThat(ASN1Integer.getInstance(ecSequence.getObjectAt(0)).intValueExact()).as("version").isEqualTo(1);
      assertThat(ASN1OctetString.getInstance(ecSequence.getObjectAt(1)).getOctets())
          .as("private key padded to the field size").hasSize(expected.fieldBytes());
      ECPrivateKey ec = ECPrivateKey.getInstance(ecSequence);
      assertThat(ec.getPublicKey()).isNotNull();
      assertThat(ec.getPublicKey().getOctets()).isEqualTo(spki.getPublicKeyData().getOctets());
      assertThat(spki.getPublicKeyData().getOctets()).hasSize(1 + 2 * expected.fieldBytes());
    }

    KeyFactory factory = KeyFactory.getInstance(algorithm, BC);
    PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(pair.publicKeyDer()));
    PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(pair.privateKeyDer()));
    byte[] message = "prove you hold the key".getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance(signatureAlgorithm, BC);
    signer.initSign(privateKey);
    signer.update(message);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(signatureAlgorithm, BC);
    verifier.initVerify(publicKey);
    verifier.update(message);
    assertThat(verifier.verify(signature)).as("the public key matches the private key").isTrue();

    SealedBytes sealed = pair.sealedPrivateKey();
    assertThat(backend.decrypt(key, sealed.iv(), sealed.ciphertextAndTag(), AAD)).isEqualTo(pair.privateKeyDer());
  }

  @Test
  void describesTheToken() {
    assertThat(backend.describe())
        .startsWith("token '" + token.label + "' serial ")
        .contains(", SoftHSM project SoftHSM v2, library " + SoftHsmToken.LIBRARY)
        .doesNotContain(new String(token.userPin));
    assertThat(backend.isHealthy()).isTrue();
  }

  @Test
  void servesEightThreadsWithoutErrors() throws Exception {
    int threads = 8;
    int perThread = 200;
    AtomicInteger completed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        byte[] aad = ("thread " + t).getBytes(StandardCharsets.UTF_8);
        futures.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            GeneratedDataKey dataKey = backend.generateDataKey(key, 32, aad);
            byte[] decrypted = backend.decrypt(key, dataKey.sealed().iv(), dataKey.sealed().ciphertextAndTag(), aad);
            if (!java.util.Arrays.equals(decrypted, dataKey.plaintext())) {
              throw new AssertionError("round trip mismatch");
            }
            completed.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get(); // rethrows the first error of a thread
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(completed).hasValue(threads * perThread);
  }

  static KeyMaterialId newId() {
    return KeyMaterialId.fromHex(SoftHsmToken.randomHex(32));
  }
}
