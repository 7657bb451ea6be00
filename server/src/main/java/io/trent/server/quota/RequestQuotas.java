package io.trent.server.quota;

import io.trent.core.auth.RequestScope;
import io.trent.core.error.ThrottlingException;
import io.trent.core.key.AccountRegion;
import io.trent.core.key.DataKeyPairSpec;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KmsKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * AWS KMS's request quotas: requests per second per account and Region, one token bucket per quota, account and
 * Region [D developerguide/requests-per-second.html; reference §16]. Cryptographic operations share one quota per
 * type of KMS key (symmetric and HMAC, RSA, ECC and SM2, ML-DSA); GenerateDataKeyPair and its WithoutPlaintext
 * form share one quota per key pair spec, apart from the cryptographic ones; every other operation has its own.
 * A cross-account request counts against the caller's account, not the key owner's [D requests-per-second.md,
 * "Cross-Account Requests"], so the bucket is the caller's.
 *
 * <p>Where a request is charged: AWS does not document where in its pipeline it throttles. Trent charges as soon
 * as it knows the bucket, after authentication and the request's shape are checked (the caller names the
 * account and Region): an operation whose quota does not depend on a key through {@link #admit}, before any
 * key lookup; a cryptographic operation through {@link #admitKeyUse} once its key is found and before it is
 * authorized (the key's type chooses the quota), so a request for a key that does not exist is not charged.
 */
public final class RequestQuotas {
  /** The shared quota of cryptographic operations with symmetric encryption and HMAC keys, and GenerateRandom. */
  public static final String SYMMETRIC = "CryptographicOperationsSymmetric";
  public static final String RSA = "CryptographicOperationsRsa";
  public static final String ECC = "CryptographicOperationsEcc";
  public static final String ML_DSA = "CryptographicOperationsMlDsa";
  /** The prefix of the per key pair spec quotas, e.g. {@code GenerateDataKeyPair.RSA_2048}. */
  public static final String KEY_PAIR_PREFIX = "GenerateDataKeyPair.";
  /** The message AWS answers a throttled request with [D developerguide/throttling.html]. */
  public static final String MESSAGE =
      "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.";

  /**
   * AWS's default quotas, requests per second [D requests-per-second.html, current version; reference §16]. The
   * symmetric quota is AWS's default outside its largest Regions (20,000 or 100,000 there). ListKeyPolicies,
   * ListRetirableGrants and DeleteImportedKeyMaterial are from the guide's older version (the current table does not
   * list them); ListKeyRotations is in neither, so it has no quota unless one is configured.
   */
  public static final Map<String, Double> AWS_DEFAULTS = defaults();

  // The operations whose quota depends on their key's type: charged when the key is authorized.
  private static final Set<String> KEY_TYPED = Set.of("Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey",
      "GenerateDataKeyWithoutPlaintext", "GenerateMac", "VerifyMac", "Sign", "Verify", "DeriveSharedSecret");
  // Their IAM actions; ReEncrypt is charged once, on its source key (kms:ReEncryptTo is not charged).
  private static final Map<String, String> KEY_TYPED_ACTIONS = keyTypedActions();

  private final Map<String, Double> rates;
  private final LongSupplier nanoTime;
  private final ThrottleCounts counts;
  private final ConcurrentHashMap<Bucket, TokenBucket> buckets = new ConcurrentHashMap<>();

  private record Bucket(String accountId, String region, String quota) {}

  /**
   * @param rates requests per second per quota name (a quota not named is not limited)
   * @param nanoTime the clock the buckets refill by, {@code System::nanoTime} outside tests
   */
  public RequestQuotas(Map<String, Double> rates, LongSupplier nanoTime, ThrottleCounts counts) {
    rates.forEach((name, rate) -> {
      if (!isQuota(name)) {
        throw new IllegalArgumentException("Unknown request quota '" + name + "' (known: " + AWS_DEFAULTS.keySet()
            + " and ListKeyRotations)");
      }
      if (rate == null || !(rate > 0) || rate.isInfinite()) {
        throw new IllegalArgumentException("The request quota " + name + " must be a positive number, not " + rate);
      }
    });
    this.rates = Map.copyOf(rates);
    this.nanoTime = nanoTime;
    this.counts = counts;
  }

  /** Whether {@code name} names a quota Trent knows. */
  public static boolean isQuota(String name) {
    return AWS_DEFAULTS.containsKey(name) || "ListKeyRotations".equals(name);
  }

  /**
   * Charges a request whose quota does not depend on its key, for the caller's account and Region.
   *
   * @param operation the operation, e.g. {@code CreateKey}
   * @param scope the request's scope: its caller, and {@code kms:DataKeyPairSpec} for GenerateDataKeyPair
   * @throws ThrottlingException when the quota is used up
   */
  public void admit(String operation, RequestScope scope) {
    if (KEY_TYPED.contains(operation)) {
      return;
    }
    String quota;
    if ("GenerateRandom".equals(operation)) {
      quota = SYMMETRIC;
    } else if ("GenerateDataKeyPair".equals(operation) || "GenerateDataKeyPairWithoutPlaintext".equals(operation)) {
      String spec = scope.conditionKeys().get("kms:DataKeyPairSpec");
      if (spec == null || !isKeyPairSpec(spec)) {
        return; // refused by validation later, without HSM work
      }
      quota = KEY_PAIR_PREFIX + spec;
    } else {
      quota = operation;
    }
    charge(scope.caller().home(), quota, operation);
  }

  /**
   * Charges a cryptographic request on its key, by the key's type; called when the key is about to be authorized.
   * Does nothing for other actions, for ReEncrypt's destination key, and for a request already charged.
   */
  void admitKeyUse(RequestScope scope, KmsKey key) {
    String operation = KEY_TYPED_ACTIONS.get(scope.action());
    if (operation != null && key != null && scope.trace().firstRateCharge()) {
      charge(scope.caller().home(), quotaOf(key.keySpec()), operation);
    }
  }

  /** The shared cryptographic quota of a KMS key's type. */
  static String quotaOf(KeySpec spec) {
    String name = spec.name();
    if (name.startsWith("RSA_")) {
      return RSA;
    }
    if (name.startsWith("ECC_") || spec == KeySpec.SM2) {
      return ECC;
    }
    if (name.startsWith("ML_DSA_")) {
      return ML_DSA;
    }
    return SYMMETRIC; // SYMMETRIC_DEFAULT and the HMAC keys [D requests-per-second.html: GenerateMac, VerifyMac]
  }

  private void charge(AccountRegion home, String quota, String operation) {
    Double rate = rates.get(quota);
    if (rate == null) {
      return;
    }
    TokenBucket bucket = buckets.computeIfAbsent(new Bucket(home.accountId(), home.region(), quota),
        b -> new TokenBucket(rate, (int) Math.max(1, Math.ceil(rate)), nanoTime));
    if (!bucket.tryTake()) {
      counts.throttled(operation, quota);
      throw new ThrottlingException(MESSAGE);
    }
  }

  private static boolean isKeyPairSpec(String spec) {
    for (DataKeyPairSpec known : DataKeyPairSpec.values()) {
      if (known.name().equals(spec)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> keyTypedActions() {
    Map<String, String> actions = new LinkedHashMap<>();
    for (String operation : KEY_TYPED) {
      if (!"ReEncrypt".equals(operation)) {
        actions.put("kms:" + operation, operation);
      }
    }
    actions.put("kms:ReEncryptFrom", "ReEncrypt");
    return Map.copyOf(actions);
  }

  private static Map<String, Double> defaults() {
    Map<String, Double> d = new LinkedHashMap<>();
    d.put(SYMMETRIC, 10_000.0);
    d.put(RSA, 1_000.0);
    d.put(ECC, 1_000.0);
    d.put(ML_DSA, 1_000.0);
    for (String spec : new String[] {"ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
        "ECC_NIST_EDWARDS25519"}) {
      d.put(KEY_PAIR_PREFIX + spec, 100.0);
    }
    d.put(KEY_PAIR_PREFIX + "RSA_2048", 20.0);
    d.put(KEY_PAIR_PREFIX + "RSA_3072", 4.0);
    d.put(KEY_PAIR_PREFIX + "RSA_4096", 1.0);
    d.put(KEY_PAIR_PREFIX + "SM2", 25.0);
    Object[][] operations = {{"CreateKey", 5}, {"CreateAlias", 5}, {"DeleteAlias", 15}, {"UpdateAlias", 5},
        {"DescribeKey", 2000}, {"ListKeys", 500}, {"ListAliases", 500}, {"ListResourceTags", 2000},
        {"TagResource", 10}, {"UntagResource", 5}, {"EnableKey", 5}, {"DisableKey", 5}, {"ScheduleKeyDeletion", 15},
        {"CancelKeyDeletion", 5}, {"EnableKeyRotation", 15}, {"DisableKeyRotation", 5}, {"GetKeyRotationStatus", 1000},
        {"RotateKeyOnDemand", 5}, {"GetPublicKey", 2000}, {"CreateGrant", 50}, {"RetireGrant", 50},
        {"RevokeGrant", 50}, {"ListGrants", 100}, {"GetKeyPolicy", 1000}, {"PutKeyPolicy", 15},
        {"ImportKeyMaterial", 15}, {"GetParametersForImport", 1}, {"UpdateKeyDescription", 5},
        {"ListKeyPolicies", 100}, {"ListRetirableGrants", 5}, {"DeleteImportedKeyMaterial", 5}};
    for (Object[] entry : operations) {
      d.put((String) entry[0], ((Integer) entry[1]).doubleValue());
    }
    return java.util.Collections.unmodifiableMap(d);
  }
}
