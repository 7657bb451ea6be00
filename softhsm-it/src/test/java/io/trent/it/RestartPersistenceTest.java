package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUnavailableException;

/**
 * Closes the shared server and starts a new one on the same data directory and token: keys,
 * aliases, key states and old ciphertexts survive. Runs last (see junit-platform.properties).
 */
@Order(Integer.MAX_VALUE)
@ExtendWith(TrentExtension.class)
class RestartPersistenceTest {

  @Test
  void keysAliasesAndCiphertextsSurviveARestart() throws Exception {
    KmsClient before = Trent.kms();
    KeyMetadata key = Trent.newKey("RestartPersistenceTest");
    KeyMetadata disabled = Trent.newKey("RestartPersistenceTest disabled");
    String alias = Trent.uniqueAlias("restart");
    before.createAlias(b -> b.aliasName(alias).targetKeyId(key.keyId()));
    Map<String, String> ctx = Map.of("restart", "yes");
    SdkBytes plaintext = SdkBytes.fromUtf8String("survives a restart");
    SdkBytes blob = before.encrypt(b -> b.keyId(alias).plaintext(plaintext).encryptionContext(ctx)).ciphertextBlob();
    GenerateDataKeyResponse dataKey = before.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256));
    GenerateDataKeyPairResponse pair =
        before.generateDataKeyPair(b -> b.keyId(key.keyId()).keyPairSpec("ECC_NIST_P256"));
    SdkBytes disabledBlob = before.encrypt(b -> b.keyId(disabled.keyId()).plaintext(plaintext)).ciphertextBlob();
    before.disableKey(b -> b.keyId(disabled.keyId()));
    int oldPort = Trent.port();

    Trent.restart();

    KmsClient kms = Trent.kms();
    assertThat(Trent.port()).isPositive();
    assertThat(kms.describeKey(b -> b.keyId(key.keyId())).keyMetadata()).isEqualTo(key);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(ctx)).plaintext()).isEqualTo(plaintext);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(ctx).keyId(alias)).plaintext()).isEqualTo(plaintext);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(dataKey.ciphertextBlob())).plaintext()).isEqualTo(dataKey.plaintext());
    assertThat(kms.decrypt(b -> b.ciphertextBlob(pair.privateKeyCiphertextBlob())).plaintext())
        .isEqualTo(pair.privateKeyPlaintext());

    // The alias resolves to the same key.
    assertThat(kms.describeKey(b -> b.keyId(alias)).keyMetadata().keyId()).isEqualTo(key.keyId());
    assertThat(kms.generateDataKey(b -> b.keyId(alias).keySpec(DataKeySpec.AES_256)).keyId()).isEqualTo(key.arn());
    assertThat(kms.listAliases(b -> b.keyId(key.keyId())).aliases()).anyMatch(a -> a.aliasName().equals(alias));

    // The key state survives too.
    assertThat(kms.describeKey(b -> b.keyId(disabled.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);
    expectError(
        () -> kms.decrypt(b -> b.ciphertextBlob(disabledBlob)),
        DisabledException.class, "DisabledException", disabled.arn() + " is disabled.");
    kms.enableKey(b -> b.keyId(disabled.keyId()));
    assertThat(kms.decrypt(b -> b.ciphertextBlob(disabledBlob)).plaintext()).isEqualTo(plaintext);

    // New work after the restart.
    SdkBytes fresh = kms.encrypt(b -> b.keyId(key.arn()).plaintext(plaintext)).ciphertextBlob();
    assertThat(kms.decrypt(b -> b.ciphertextBlob(fresh)).plaintext()).isEqualTo(plaintext);
    KeyMetadata created = Trent.newKey("after restart");
    assertThat(kms.describeKey(b -> b.keyId(created.arn())).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(oldPort).isPositive();
  }

  @Test
  void everyKindOfKeyWorksAfterARestart() throws Exception {
    KmsClient before = Trent.kms();
    SdkBytes data = SdkBytes.fromUtf8String("every kind of key");
    KeyMetadata rsa = TestKeys.create("RSA_3072", KeyUsageType.ENCRYPT_DECRYPT, "restart rsa");
    KeyMetadata ecc = TestKeys.create("ECC_NIST_P384", KeyUsageType.SIGN_VERIFY, "restart ecc");
    KeyMetadata hmac = TestKeys.create("HMAC_384", KeyUsageType.GENERATE_VERIFY_MAC, "restart hmac");
    KeyMetadata imported = ImportKeyMaterialTest.external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    GetParametersForImportResponse params = ImportKeyMaterialTest.parameters(imported, AlgorithmSpec.RSAES_OAEP_SHA_1);
    ImportKeyMaterialTest.importMaterial(imported, params,
        ImportKeyMaterialTest.wrapOaepSha1(ImportKeyMaterialTest.wrappingKey(params), ImportKeyMaterialTest.random(32)));
    KeyMetadata rotated = Trent.newKey("restart rotated");
    before.enableKeyRotation(b -> b.keyId(rotated.keyId()).rotationPeriodInDays(100));
    before.tagResource(b -> b.keyId(rotated.keyId()).tags(t -> t.tagKey("team").tagValue("crypto")));

    SdkBytes rsaBlob = before.encrypt(b -> b.keyId(rsa.keyId()).plaintext(data)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)).ciphertextBlob();
    SdkBytes signature = before.sign(b -> b.keyId(ecc.keyId()).message(data).messageType(MessageType.RAW)
        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)).signature();
    SdkBytes mac = before.generateMac(b -> b.keyId(hmac.keyId()).message(data).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_384)).mac();
    SdkBytes importedBlob = before.encrypt(b -> b.keyId(imported.keyId()).plaintext(data)).ciphertextBlob();
    SdkBytes eccPublicKey = before.getPublicKey(b -> b.keyId(ecc.keyId())).publicKey();

    Trent.restart();

    KmsClient kms = Trent.kms();
    assertThat(kms.decrypt(b -> b.keyId(rsa.keyId()).ciphertextBlob(rsaBlob)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)).plaintext()).isEqualTo(data);
    assertThat(kms.verify(b -> b.keyId(ecc.keyId()).message(data).signature(signature).messageType(MessageType.RAW)
        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)).signatureValid()).isTrue();
    SdkBytes newSignature = kms.sign(b -> b.keyId(ecc.keyId()).message(data).messageType(MessageType.RAW)
        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)).signature();
    assertThat(Offline.verify("ECC_NIST_P384", eccPublicKey.asByteArray(), SigningAlgorithmSpec.ECDSA_SHA_384,
        data.asByteArray(), newSignature.asByteArray())).isTrue();
    assertThat(kms.getPublicKey(b -> b.keyId(ecc.keyId())).publicKey()).isEqualTo(eccPublicKey);
    assertThat(kms.generateMac(b -> b.keyId(hmac.keyId()).message(data).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_384)).mac())
        .isEqualTo(mac);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(importedBlob)).plaintext()).isEqualTo(data);
    assertThat(kms.describeKey(b -> b.keyId(imported.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(kms.getKeyRotationStatus(b -> b.keyId(rotated.keyId())).keyRotationEnabled()).isTrue();
    assertThat(kms.getKeyRotationStatus(b -> b.keyId(rotated.keyId())).rotationPeriodInDays()).isEqualTo(100);
    assertThat(kms.listResourceTags(b -> b.keyId(rotated.keyId())).tags())
        .singleElement().satisfies(t -> assertThat(t.tagKey() + "=" + t.tagValue()).isEqualTo("team=crypto"));
  }

  @Test
  void aKeyWhoseTokenObjectWasDeletedOutsideTrentIsUnavailable() throws Exception {
    KeyMetadata gone = Trent.newKey("RestartPersistenceTest gone");
    KeyMetadata kept = Trent.newKey("RestartPersistenceTest kept");
    KeyMetadata goneEcc = TestKeys.create("ECC_NIST_P256", KeyUsageType.SIGN_VERIFY, "RestartPersistenceTest gone");
    KeyMetadata goneHmac = TestKeys.create("HMAC_256", KeyUsageType.GENERATE_VERIFY_MAC, "RestartPersistenceTest gone");
    SdkBytes plaintext = SdkBytes.fromUtf8String("its key is gone");
    SdkBytes goneBlob = Trent.kms().encrypt(b -> b.keyId(gone.keyId()).plaintext(plaintext)).ciphertextBlob();
    SdkBytes keptBlob = Trent.kms().encrypt(b -> b.keyId(kept.keyId()).plaintext(plaintext)).ciphertextBlob();
    String material = Wire.currentMaterial(gone.keyId());
    assertThat(Pkcs11Tool.objectsOf(gone.keyId())).anyMatch(o -> o.id().equals(material));

    // An operator deletes the token object.
    Pkcs11Tool.deleteSecretKey(material);
    assertThat(Pkcs11Tool.objectsOf(gone.keyId())).noneMatch(o -> o.id().equals(material));
    Pkcs11Tool.deleteKeyMaterialOf(goneEcc.keyId());
    Pkcs11Tool.deleteKeyMaterialOf(goneHmac.keyId());
    // New keys are uncopyable, so the running server has no session copy to go on working with.
    expectUnavailable(() -> Trent.kms().decrypt(b -> b.ciphertextBlob(goneBlob)), gone.arn() + " is unavailable.");
    Trent.restart();

    KmsClient kms = Trent.kms();
    assertThat(kms.describeKey(b -> b.keyId(gone.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.UNAVAILABLE);
    String unavailable = gone.arn() + " is unavailable.";
    expectUnavailable(() -> kms.decrypt(b -> b.ciphertextBlob(goneBlob)), unavailable);
    expectUnavailable(() -> kms.encrypt(b -> b.keyId(gone.keyId()).plaintext(plaintext)), unavailable);
    expectUnavailable(() -> kms.generateDataKey(b -> b.keyId(gone.keyId()).keySpec(DataKeySpec.AES_256)), unavailable);
    for (KeyMetadata k : List.of(goneEcc, goneHmac)) {
      assertThat(kms.describeKey(b -> b.keyId(k.keyId())).keyMetadata().keyState()).as(k.keySpecAsString())
          .isEqualTo(KeyState.UNAVAILABLE);
    }
    expectUnavailable(() -> kms.sign(b -> b.keyId(goneEcc.keyId()).message(plaintext).messageType(MessageType.RAW)
        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)), goneEcc.arn() + " is unavailable.");
    expectUnavailable(() -> kms.generateMac(b -> b.keyId(goneHmac.keyId()).message(plaintext)
        .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)), goneHmac.arn() + " is unavailable.");
    // Only those keys: the others work as before.
    assertThat(kms.decrypt(b -> b.ciphertextBlob(keptBlob)).plaintext()).isEqualTo(plaintext);
    assertThat(kms.describeKey(b -> b.keyId(kept.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
  }

  /** KeyUnavailableException is a server-side, retryable error: HTTP 500. */
  private static void expectUnavailable(ThrowingCallable call, String message) {
    Throwable t = catchThrowable(call);
    assertThat(t).isInstanceOf(KeyUnavailableException.class);
    KeyUnavailableException e = (KeyUnavailableException) t;
    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("KeyUnavailableException");
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
  }
}
