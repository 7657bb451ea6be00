package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.expectInvalidCiphertext;
import static io.trent.it.KmsAssertions.expectValidationPrefix;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeyPairSpec;
import software.amazon.awssdk.services.kms.model.DryRunOperationException;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairWithoutPlaintextResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

/**
 * GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext for every RSA and ECC spec: SPKI
 * public key, PKCS#8 private key that matches it, the private key ciphertext decrypts (only under
 * its encryption context), spec echoed, KeyId = ARN; SM2, bad spec and DryRun errors.
 */
@ExtendWith(TrentExtension.class)
class GenerateDataKeyPairTest {
  static final Provider BC = new BouncyCastleProvider();
  static final Map<String, String> CTX = Map.of("purpose", "data-key-pair", "app", "trent-it");
  static final byte[] MESSAGE = "a message to sign".getBytes(StandardCharsets.UTF_8);

  static KmsClient kms;
  static KeyMetadata key;

  @BeforeAll
  static void setUp() {
    kms = Trent.kms();
    key = Trent.newKey("GenerateDataKeyPairTest");
  }

  @ParameterizedTest
  @EnumSource(
      value = DataKeyPairSpec.class,
      names = {"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256_K1"})
  void generateDataKeyPair(DataKeyPairSpec spec) throws Exception {
    GenerateDataKeyPairResponse r =
        kms.generateDataKeyPair(b -> b.keyId(key.keyId()).keyPairSpec(spec).encryptionContext(CTX));
    assertThat(r.keyId()).isEqualTo(key.arn());
    assertThat(r.keyPairSpec()).isEqualTo(spec);

    PublicKey pub = parsePublic(spec, r.publicKey().asByteArray());
    PrivateKey priv = parsePrivate(spec, r.privateKeyPlaintext().asByteArray());
    assertKeyPairMatches(spec, pub, priv);

    SdkBytes decrypted =
        kms.decrypt(b -> b.ciphertextBlob(r.privateKeyCiphertextBlob()).encryptionContext(CTX)).plaintext();
    assertThat(decrypted.asByteArray()).isEqualTo(r.privateKeyPlaintext().asByteArray());
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(r.privateKeyCiphertextBlob())));
  }

  @ParameterizedTest
  @EnumSource(
      value = DataKeyPairSpec.class,
      names = {"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256_K1"})
  void generateDataKeyPairWithoutPlaintext(DataKeyPairSpec spec) throws Exception {
    GenerateDataKeyPairWithoutPlaintextResponse r =
        kms.generateDataKeyPairWithoutPlaintext(b -> b.keyId(key.arn()).keyPairSpec(spec).encryptionContext(CTX));
    assertThat(r.keyId()).isEqualTo(key.arn());
    assertThat(r.keyPairSpec()).isEqualTo(spec);
    PublicKey pub = parsePublic(spec, r.publicKey().asByteArray());

    byte[] pkcs8 =
        kms.decrypt(b -> b.ciphertextBlob(r.privateKeyCiphertextBlob()).encryptionContext(CTX)).plaintext().asByteArray();
    assertKeyPairMatches(spec, pub, parsePrivate(spec, pkcs8));
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(r.privateKeyCiphertextBlob())));
  }

  @Test
  void keyIdInTheResponseIsTheArnForAnAliasRequest() {
    String alias = Trent.uniqueAlias("gdkp");
    kms.createAlias(b -> b.aliasName(alias).targetKeyId(key.keyId()));
    GenerateDataKeyPairResponse r =
        kms.generateDataKeyPair(b -> b.keyId(alias).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256));
    assertThat(r.keyId()).isEqualTo(key.arn());
    // Without an encryption context it decrypts without one.
    assertThat(kms.decrypt(b -> b.ciphertextBlob(r.privateKeyCiphertextBlob())).plaintext())
        .isEqualTo(r.privateKeyPlaintext());
  }

  @Test
  void wireResponsesCarryKeyMaterialId() {
    for (String op : new String[] {"GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"}) {
      RawKms.Response r = RawKms.call(op, Map.of("KeyId", key.keyId(), "KeyPairSpec", "ECC_NIST_P256"));
      assertThat(r.status()).as("%s: %s", op, r).isEqualTo(200);
      assertThat(r.json().path("KeyMaterialId").asText()).as("%s KeyMaterialId", op).matches("^[0-9a-f]{64}$");
      assertThat(r.json().path("KeyPairSpec").asText()).isEqualTo("ECC_NIST_P256");
      assertThat(r.json().has("PrivateKeyPlaintext")).isEqualTo(op.equals("GenerateDataKeyPair"));
    }
  }

  @Test
  void sm2IsAnAwsErrorNotA500() {
    expectError(
        () -> kms.generateDataKeyPair(b -> b.keyId(key.keyId()).keyPairSpec(DataKeyPairSpec.SM2)),
        UnsupportedOperationException.class,
        "UnsupportedOperationException");
    expectError(
        () -> kms.generateDataKeyPairWithoutPlaintext(b -> b.keyId(key.keyId()).keyPairSpec(DataKeyPairSpec.SM2)),
        UnsupportedOperationException.class,
        "UnsupportedOperationException");
  }

  @Test
  void badKeyPairSpecIsAValidationException() {
    String prefix =
        "1 validation error detected: Value 'RSA_1024' at 'keyPairSpec' failed to satisfy constraint: Member must satisfy enum value set: [";
    expectValidationPrefix(() -> kms.generateDataKeyPair(b -> b.keyId(key.keyId()).keyPairSpec("RSA_1024")), prefix);
    expectValidationPrefix(
        () -> kms.generateDataKeyPairWithoutPlaintext(b -> b.keyId(key.keyId()).keyPairSpec("RSA_1024")), prefix);
  }

  @Test
  void dryRunGivesDryRunOperationException() {
    String msg = "The request would have succeeded, but the DryRun option is set.";
    expectError(
        () -> kms.generateDataKeyPair(b -> b.keyId(key.keyId()).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256).dryRun(true)),
        DryRunOperationException.class,
        "DryRunOperationException",
        msg);
    expectError(
        () ->
            kms.generateDataKeyPairWithoutPlaintext(
                b -> b.keyId(key.keyId()).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256).dryRun(true)),
        DryRunOperationException.class,
        "DryRunOperationException",
        msg);
  }

  // ---------------------------------------------------------------------------------------------

  static boolean isRsa(DataKeyPairSpec spec) {
    return spec.name().startsWith("RSA");
  }

  static KeyFactory keyFactory(DataKeyPairSpec spec) throws Exception {
    if (isRsa(spec)) {
      return KeyFactory.getInstance("RSA");
    }
    // The JDK (17) dropped secp256k1; Bouncy Castle parses it.
    return spec == DataKeyPairSpec.ECC_SECG_P256_K1 ? KeyFactory.getInstance("EC", BC) : KeyFactory.getInstance("EC");
  }

  static PublicKey parsePublic(DataKeyPairSpec spec, byte[] spki) throws Exception {
    PublicKey pub = keyFactory(spec).generatePublic(new X509EncodedKeySpec(spki));
    assertThat(pub.getFormat()).isEqualTo("X.509");
    switch (spec) {
      case RSA_2048 -> assertThat(((RSAPublicKey) pub).getModulus().bitLength()).isEqualTo(2048);
      case RSA_3072 -> assertThat(((RSAPublicKey) pub).getModulus().bitLength()).isEqualTo(3072);
      case RSA_4096 -> assertThat(((RSAPublicKey) pub).getModulus().bitLength()).isEqualTo(4096);
      case ECC_NIST_P256, ECC_SECG_P256_K1 -> assertThat(((ECPublicKey) pub).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
      case ECC_NIST_P384 -> assertThat(((ECPublicKey) pub).getParams().getCurve().getField().getFieldSize()).isEqualTo(384);
      case ECC_NIST_P521 -> assertThat(((ECPublicKey) pub).getParams().getCurve().getField().getFieldSize()).isEqualTo(521);
      default -> throw new IllegalArgumentException(spec.toString());
    }
    if (spec == DataKeyPairSpec.ECC_SECG_P256_K1) {
      // secp256k1 has a = 0, unlike the NIST curves.
      assertThat(((ECPublicKey) pub).getParams().getCurve().getA().signum()).isZero();
    } else if (!isRsa(spec)) {
      assertThat(((ECPublicKey) pub).getParams().getCurve().getA().signum()).isNotZero();
    }
    return pub;
  }

  static PrivateKey parsePrivate(DataKeyPairSpec spec, byte[] pkcs8) throws Exception {
    PrivateKey priv = keyFactory(spec).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    assertThat(priv.getFormat()).isEqualTo("PKCS#8");
    return priv;
  }

  static void assertKeyPairMatches(DataKeyPairSpec spec, PublicKey pub, PrivateKey priv) throws Exception {
    String alg = isRsa(spec) ? "SHA256withRSA" : "SHA256withECDSA";
    Signature signer = spec == DataKeyPairSpec.ECC_SECG_P256_K1 ? Signature.getInstance(alg, BC) : Signature.getInstance(alg);
    signer.initSign(priv);
    signer.update(MESSAGE);
    byte[] sig = signer.sign();
    Signature verifier = spec == DataKeyPairSpec.ECC_SECG_P256_K1 ? Signature.getInstance(alg, BC) : Signature.getInstance(alg);
    verifier.initVerify(pub);
    verifier.update(MESSAGE);
    assertThat(verifier.verify(sig)).as("the private key signs what the public key verifies (%s)", spec).isTrue();
  }
}
