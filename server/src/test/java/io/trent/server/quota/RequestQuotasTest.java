package io.trent.server.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trent.core.auth.Authorizer;
import io.trent.core.auth.Caller;
import io.trent.core.auth.RequestScope;
import io.trent.core.error.ThrottlingException;
import io.trent.core.key.AccountRegion;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestQuotasTest {
  private static final Caller ALICE = caller("111122223333", "us-east-1");
  private final AtomicLong now = new AtomicLong();
  private final ThrottleCounts counts = new ThrottleCounts(new SimpleMeterRegistry());

  private RequestQuotas quotas(Map<String, Double> rates) {
    return new RequestQuotas(rates, now::get, counts);
  }

  @Test
  void requestsBeyondTheBucketAreThrottledWithAwsMessageAndCounted() {
    RequestQuotas quotas = quotas(Map.of("CreateKey", 5.0));
    int admitted = 0;
    int throttled = 0;
    // 20 requests per second for 3 s: the bucket's 5, then 5 per second.
    for (int i = 0; i < 60; i++) {
      try {
        quotas.admit("CreateKey", scope(ALICE, "kms:CreateKey", Map.of()));
        admitted++;
      } catch (ThrottlingException e) {
        assertThat(e.errorType()).isEqualTo("ThrottlingException");
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.awsMessage())
            .isEqualTo("You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.");
        throttled++;
      }
      now.addAndGet(50_000_000L);
    }
    assertThat(admitted).isEqualTo(5 + 14); // 2.95 s at 5 per second after the burst
    assertThat(throttled).isEqualTo(60 - admitted);
    assertThat(counts.count("CreateKey", "CreateKey")).isEqualTo(throttled);
  }

  @Test
  void eachAccountAndRegionHasItsOwnBucketAndEachQuotaIsIndependent() {
    RequestQuotas quotas = quotas(Map.of("CreateKey", 1.0, "CreateAlias", 1.0));
    quotas.admit("CreateKey", scope(ALICE, "kms:CreateKey", Map.of()));
    assertThatThrownBy(() -> quotas.admit("CreateKey", scope(ALICE, "kms:CreateKey", Map.of())))
        .isInstanceOf(ThrottlingException.class);
    quotas.admit("CreateKey", scope(caller("444455556666", "us-east-1"), "kms:CreateKey", Map.of()));
    quotas.admit("CreateKey", scope(caller("111122223333", "eu-west-1"), "kms:CreateKey", Map.of()));
    quotas.admit("CreateAlias", scope(ALICE, "kms:CreateAlias", Map.of()));
    quotas.admit("ListKeys", scope(ALICE, "kms:ListKeys", Map.of())); // not limited in this table
  }

  @Test
  void dataKeyPairsHaveOneQuotaPerSpecSharedWithWithoutPlaintext() {
    RequestQuotas quotas = quotas(RequestQuotas.AWS_DEFAULTS);
    Map<String, String> rsa4096 = Map.of("kms:DataKeyPairSpec", "RSA_4096");
    quotas.admit("GenerateDataKeyPair", scope(ALICE, "kms:GenerateDataKeyPair", rsa4096)); // 1 per second
    assertThatThrownBy(() -> quotas.admit("GenerateDataKeyPairWithoutPlaintext",
        scope(ALICE, "kms:GenerateDataKeyPairWithoutPlaintext", rsa4096))).isInstanceOf(ThrottlingException.class);
    quotas.admit("GenerateDataKeyPair", scope(ALICE, "kms:GenerateDataKeyPair",
        Map.of("kms:DataKeyPairSpec", "RSA_2048")));
    assertThat(counts.count("GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyPair.RSA_4096")).isOne();
    // Not charged against the symmetric quota: that one is untouched.
    RequestQuotas tight = quotas(Map.of(RequestQuotas.SYMMETRIC, 1.0));
    tight.admit("GenerateDataKeyPair", scope(ALICE, "kms:GenerateDataKeyPair", rsa4096));
    tight.admit("GenerateRandom", scope(ALICE, "kms:GenerateRandom", Map.of()));
    assertThatThrownBy(() -> tight.admit("GenerateRandom", scope(ALICE, "kms:GenerateRandom", Map.of())))
        .isInstanceOf(ThrottlingException.class);
  }

  @Test
  void cryptographicRequestsAreChargedOnceByTheirKeysTypeWhenTheKeyIsAuthorized() {
    RequestQuotas quotas = quotas(Map.of(RequestQuotas.SYMMETRIC, 2.0, RequestQuotas.RSA, 1.0));
    Authorizer authorizer = new QuotaAuthorizer(Authorizer.ALLOW_ALL, quotas);
    KmsKey aes = key(KeySpec.SYMMETRIC_DEFAULT);
    KmsKey hmac = key(KeySpec.HMAC_256);
    KmsKey rsa = key(KeySpec.RSA_2048);

    quotas.admit("Decrypt", scope(ALICE, "kms:Decrypt", Map.of())); // charged at the key, not here
    RequestScope decrypt = scope(ALICE, "kms:Decrypt", Map.of());
    authorizer.authorize(decrypt, aes, "alias/a"); // Decrypt with a KeyId authorizes the named key ...
    authorizer.authorize(decrypt, aes, "alias/a"); // ... and the ciphertext's: one request, one token
    RequestScope reEncrypt = scope(ALICE, "kms:ReEncryptFrom", Map.of());
    authorizer.authorize(reEncrypt, hmac, null);
    authorizer.authorize(reEncrypt.withAction("kms:ReEncryptTo", Map.of()), aes, null); // not charged
    assertThatThrownBy(() -> authorizer.authorize(scope(ALICE, "kms:GenerateMac", Map.of()), hmac, null))
        .as("HMAC keys share the symmetric quota").isInstanceOf(ThrottlingException.class);

    authorizer.authorize(scope(ALICE, "kms:Sign", Map.of()), rsa, null);
    assertThatThrownBy(() -> authorizer.authorize(scope(ALICE, "kms:Decrypt", Map.of()), rsa, null))
        .isInstanceOf(ThrottlingException.class);
    authorizer.authorize(scope(ALICE, "kms:DescribeKey", Map.of()), rsa, null); // not a cryptographic action
    assertThat(counts.count("GenerateMac", RequestQuotas.SYMMETRIC)).isOne();
    assertThat(counts.count("Decrypt", RequestQuotas.RSA)).isOne();
  }

  @Test
  void keyTypesMapToAwsSharedQuotas() {
    assertThat(RequestQuotas.quotaOf(KeySpec.SYMMETRIC_DEFAULT)).isEqualTo(RequestQuotas.SYMMETRIC);
    assertThat(RequestQuotas.quotaOf(KeySpec.HMAC_512)).isEqualTo(RequestQuotas.SYMMETRIC);
    assertThat(RequestQuotas.quotaOf(KeySpec.RSA_4096)).isEqualTo(RequestQuotas.RSA);
    assertThat(RequestQuotas.quotaOf(KeySpec.ECC_SECG_P256K1)).isEqualTo(RequestQuotas.ECC);
    assertThat(RequestQuotas.quotaOf(KeySpec.SM2)).isEqualTo(RequestQuotas.ECC);
    assertThat(RequestQuotas.quotaOf(KeySpec.ML_DSA_65)).isEqualTo(RequestQuotas.ML_DSA);
  }

  @Test
  void unknownQuotaNamesAndNonPositiveRatesAreRefused() {
    assertThatThrownBy(() -> quotas(Map.of("CreateKeys", 1.0))).hasMessageContaining("Unknown request quota");
    assertThatThrownBy(() -> quotas(Map.of("CreateKey", 0.0))).hasMessageContaining("positive");
  }

  private static Caller caller(String account, String region) {
    return new Caller(account, "arn:aws:iam::" + account + ":root", "", region, false);
  }

  private static RequestScope scope(Caller caller, String action, Map<String, String> conditionKeys) {
    return new RequestScope(caller, action, Map.of(), conditionKeys);
  }

  private static KmsKey key(KeySpec spec) {
    KeyUsage usage = spec.name().startsWith("HMAC") ? KeyUsage.GENERATE_VERIFY_MAC
        : spec == KeySpec.SYMMETRIC_DEFAULT ? KeyUsage.ENCRYPT_DECRYPT : KeyUsage.SIGN_VERIFY;
    return KmsKey.create(new AccountRegion("aws", "111122223333", "us-east-1"), UUID.randomUUID().toString(),
        Instant.EPOCH, "", spec, usage, Origin.AWS_KMS, KeyState.Enabled, List.of(), List.of(), null);
  }
}
