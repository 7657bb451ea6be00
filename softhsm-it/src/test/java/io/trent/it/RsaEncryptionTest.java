package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.expectInvalidCiphertext;
import static io.trent.it.KmsAssertions.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;

/**
 * Encrypt/Decrypt with RSA ENCRYPT_DECRYPT keys: RSAES_OAEP_SHA_1 and RSAES_OAEP_SHA_256, AWS's
 * plaintext limits per spec and their message, ciphertext made offline with the GetPublicKey SPKI,
 * and ReEncrypt between RSA and symmetric keys.
 */
@ExtendWith(TrentExtension.class)
class RsaEncryptionTest {
  static final SecureRandom RANDOM = new SecureRandom();

  static KmsClient kms() {
    return Trent.kms();
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static Stream<Arguments> limits() {
    return Stream.of(
        Arguments.of(2048, EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1, 214),
        Arguments.of(2048, EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, 190),
        Arguments.of(3072, EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1, 342),
        Arguments.of(3072, EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, 318),
        Arguments.of(4096, EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1, 470),
        Arguments.of(4096, EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, 446));
  }

  @ParameterizedTest(name = "RSA_{0} {1} up to {2} bytes")
  @MethodSource("limits")
  void plaintextUpToTheLimitRoundTripsAndOneMoreByteIsRejected(int bits, EncryptionAlgorithmSpec alg, int limit)
      throws Exception {
    KeyMetadata key = TestKeys.rsaEncryption(bits);
    byte[] plaintext = random(limit);
    EncryptResponse e = kms().encrypt(b -> b.keyId(key.keyId()).plaintext(SdkBytes.fromByteArray(plaintext))
        .encryptionAlgorithm(alg));
    assertThat(e.keyId()).isEqualTo(key.arn());
    assertThat(e.encryptionAlgorithm()).isEqualTo(alg);
    assertThat(e.ciphertextBlob().asByteArray()).as("raw RSA-OAEP ciphertext, modulus size").hasSize(bits / 8);

    DecryptResponse d = kms().decrypt(b -> b.keyId(key.arn()).ciphertextBlob(e.ciphertextBlob()).encryptionAlgorithm(alg));
    assertThat(d.plaintext().asByteArray()).isEqualTo(plaintext);
    assertThat(d.keyId()).isEqualTo(key.arn());
    assertThat(d.encryptionAlgorithm()).isEqualTo(alg);

    String spec = "RSA_" + bits;
    expectValidation(
        () -> kms().encrypt(b -> b.keyId(key.keyId()).plaintext(SdkBytes.fromByteArray(random(limit + 1)))
            .encryptionAlgorithm(alg)),
        "Algorithm " + alg + " and key spec " + spec + " cannot encrypt data larger than " + limit + " bytes.");

    // Offline: the JDK encrypts the largest plaintext with the GetPublicKey SPKI; Trent decrypts it.
    byte[] spki = kms().getPublicKey(b -> b.keyId(key.keyId())).publicKey().asByteArray();
    PublicKey pub = Offline.publicKey(spec, spki);
    assertThat(((RSAPublicKey) pub).getModulus().bitLength()).isEqualTo(bits);
    byte[] offline = Offline.oaep(alg, Cipher.ENCRYPT_MODE, pub).doFinal(plaintext);
    assertThat(kms().decrypt(b -> b.keyId(key.keyId()).ciphertextBlob(SdkBytes.fromByteArray(offline))
        .encryptionAlgorithm(alg)).plaintext().asByteArray()).isEqualTo(plaintext);
  }

  /**
   * Many offline ciphertexts of random length: a raw RSA result with leading zero bytes, and every
   * plaintext length, must decode (for SHA-256 the OAEP decoding may happen outside the token).
   */
  @Test
  void manyOfflineCiphertextsDecrypt() throws Exception {
    KeyMetadata key = TestKeys.rsaEncryption(2048);
    PublicKey pub = Offline.publicKey("RSA_2048",
        kms().getPublicKey(b -> b.keyId(key.keyId())).publicKey().asByteArray());
    for (EncryptionAlgorithmSpec alg : java.util.List.of(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1,
        EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)) {
      int limit = alg == EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1 ? 214 : 190;
      for (int i = 0; i < 150; i++) {
        byte[] plaintext = random(1 + RANDOM.nextInt(limit));
        byte[] ciphertext = Offline.oaep(alg, Cipher.ENCRYPT_MODE, pub).doFinal(plaintext);
        byte[] decrypted = kms().decrypt(b -> b.keyId(key.keyId()).ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
            .encryptionAlgorithm(alg)).plaintext().asByteArray();
        assertThat(decrypted).as("%s ciphertext #%d (%d bytes)", alg, i, plaintext.length).isEqualTo(plaintext);
      }
    }
  }

  @Test
  void theLimitMessageUsesTheAwsTemplate() {
    KeyMetadata key = TestKeys.rsaEncryption(2048);
    expectValidation(
        () -> kms().encrypt(b -> b.keyId(key.keyId()).plaintext(SdkBytes.fromByteArray(new byte[215]))
            .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1)),
        "Algorithm RSAES_OAEP_SHA_1 and key spec RSA_2048 cannot encrypt data larger than 214 bytes.");
  }

  @Test
  void missingAlgorithmMeansSymmetricDefaultWhichRsaRefuses() {
    KeyMetadata key = TestKeys.rsaEncryption(2048);
    SdkBytes p = SdkBytes.fromUtf8String("no algorithm");
    expectError(() -> kms().encrypt(b -> b.keyId(key.keyId()).plaintext(p)),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
    expectError(() -> kms().encrypt(b -> b.keyId(key.keyId()).plaintext(p)
            .encryptionAlgorithm(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT)),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
    SdkBytes blob = kms().encrypt(b -> b.keyId(key.keyId()).plaintext(p)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)).ciphertextBlob();
    expectError(() -> kms().decrypt(b -> b.keyId(key.keyId()).ciphertextBlob(blob)),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
    // And a symmetric key refuses the RSA algorithms.
    KeyMetadata sym = TestKeys.symmetric();
    expectError(() -> kms().encrypt(b -> b.keyId(sym.keyId()).plaintext(p)
            .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.");
  }

  @Test
  void oaepIsRandomizedAndDecryptNeedsTheRightAlgorithmAndKey() {
    KeyMetadata key = TestKeys.rsaEncryption(2048);
    KeyMetadata other = TestKeys.rsaEncryption(3072);
    SdkBytes p = SdkBytes.fromUtf8String("randomized");
    SdkBytes c1 = kms().encrypt(b -> b.keyId(key.keyId()).plaintext(p)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)).ciphertextBlob();
    SdkBytes c2 = kms().encrypt(b -> b.keyId(key.keyId()).plaintext(p)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)).ciphertextBlob();
    assertThat(c1).isNotEqualTo(c2);

    expectInvalidCiphertext(() -> kms().decrypt(b -> b.keyId(key.keyId()).ciphertextBlob(c1)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1)));
    byte[] tampered = c1.asByteArray();
    tampered[17] ^= 0x40;
    expectInvalidCiphertext(() -> kms().decrypt(b -> b.keyId(key.keyId()).ciphertextBlob(SdkBytes.fromByteArray(tampered))
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)));
    expectInvalidCiphertext(() -> kms().decrypt(b -> b.keyId(other.keyId()).ciphertextBlob(c1)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)));
  }

  @Test
  void wireShapesOfRsaEncryptAndDecrypt() {
    KeyMetadata key = TestKeys.rsaEncryption(2048);
    String p = Base64.getEncoder().encodeToString("wire".getBytes());
    RawKms.Response e = RawKms.call("Encrypt", Map.of("KeyId", key.keyId(), "Plaintext", p,
        "EncryptionAlgorithm", "RSAES_OAEP_SHA_1"));
    assertThat(e.status()).as("%s", e).isEqualTo(200);
    assertThat(SignVerifyTest.fieldNames(e)).containsExactlyInAnyOrder("CiphertextBlob", "KeyId", "EncryptionAlgorithm");
    RawKms.Response d = RawKms.call("Decrypt", Map.of("KeyId", key.keyId(), "CiphertextBlob",
        e.json().path("CiphertextBlob").asText(), "EncryptionAlgorithm", "RSAES_OAEP_SHA_1"));
    assertThat(d.status()).as("%s", d).isEqualTo(200);
    assertThat(SignVerifyTest.fieldNames(d))
        .as("KeyMaterialId is for symmetric keys only")
        .containsExactlyInAnyOrder("KeyId", "Plaintext", "EncryptionAlgorithm");
    assertThat(d.json().path("Plaintext").asText()).isEqualTo(p);
  }

  @Test
  void reEncryptFromRsaToSymmetricAndBack() {
    KeyMetadata rsa = TestKeys.rsaEncryption(2048);
    KeyMetadata sym = TestKeys.symmetric();
    SdkBytes p = SdkBytes.fromUtf8String("moved between keys");
    SdkBytes rsaBlob = kms().encrypt(b -> b.keyId(rsa.keyId()).plaintext(p)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)).ciphertextBlob();

    ReEncryptResponse toSym = kms().reEncrypt(b -> b.ciphertextBlob(rsaBlob).sourceKeyId(rsa.keyId())
        .sourceEncryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256).destinationKeyId(sym.keyId()));
    assertThat(toSym.sourceKeyId()).isEqualTo(rsa.arn());
    assertThat(toSym.keyId()).isEqualTo(sym.arn());
    assertThat(toSym.sourceEncryptionAlgorithm()).isEqualTo(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256);
    assertThat(toSym.destinationEncryptionAlgorithm()).isEqualTo(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);
    assertThat(kms().decrypt(b -> b.ciphertextBlob(toSym.ciphertextBlob())).plaintext()).isEqualTo(p);

    ReEncryptResponse back = kms().reEncrypt(b -> b.ciphertextBlob(toSym.ciphertextBlob()).destinationKeyId(rsa.arn())
        .destinationEncryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1));
    assertThat(back.sourceKeyId()).isEqualTo(sym.arn());
    assertThat(back.keyId()).isEqualTo(rsa.arn());
    assertThat(back.sourceEncryptionAlgorithm()).isEqualTo(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);
    assertThat(back.destinationEncryptionAlgorithm()).isEqualTo(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1);
    assertThat(back.ciphertextBlob().asByteArray()).hasSize(256);
    assertThat(kms().decrypt(b -> b.keyId(rsa.keyId()).ciphertextBlob(back.ciphertextBlob())
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1)).plaintext()).isEqualTo(p);

    // On the wire: the symmetric side carries its KeyMaterialId, the RSA side none.
    RawKms.Response raw = RawKms.call("ReEncrypt", Map.of(
        "CiphertextBlob", Base64.getEncoder().encodeToString(rsaBlob.asByteArray()),
        "SourceKeyId", rsa.keyId(), "SourceEncryptionAlgorithm", "RSAES_OAEP_SHA_256", "DestinationKeyId", sym.keyId()));
    assertThat(raw.status()).as("%s", raw).isEqualTo(200);
    assertThat(raw.json().has("SourceKeyMaterialId")).isFalse();
    assertThat(raw.json().path("DestinationKeyMaterialId").asText()).matches("^[0-9a-f]{64}$");
  }

  @Test
  void reEncryptToRsaChecksTheRsaLimit() {
    KeyMetadata rsa = TestKeys.rsaEncryption(2048);
    KeyMetadata sym = TestKeys.symmetric();
    SdkBytes big = SdkBytes.fromByteArray(random(191));
    SdkBytes blob = kms().encrypt(b -> b.keyId(sym.keyId()).plaintext(big)).ciphertextBlob();
    expectValidation(() -> kms().reEncrypt(b -> b.ciphertextBlob(blob).destinationKeyId(rsa.keyId())
            .destinationEncryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)),
        "Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes.");
  }
}
