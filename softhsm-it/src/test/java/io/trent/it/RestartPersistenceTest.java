package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

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
}
