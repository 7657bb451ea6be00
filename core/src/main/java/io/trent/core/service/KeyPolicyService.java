package io.trent.core.service;

import io.trent.core.auth.RequestScope;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.error.NotFoundException;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.Page;
import io.trent.core.validation.ShapeValidator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A key's policy document: PutKeyPolicy, GetKeyPolicy and ListKeyPolicies. A key has exactly one policy,
 * named {@code default}. All three work in every key state, PendingDeletion included (AWS's key-state
 * table), and take a key id or key ARN, not an alias [M model: "Specify the key ID or key ARN"].
 */
public final class KeyPolicyService {
  /** The only policy name KMS knows. */
  public static final String DEFAULT_POLICY_NAME = "default";
  /** The model's PolicyNameType pattern. */
  private static final Pattern POLICY_NAME = Pattern.compile("[\\w]+");

  private final KeyCatalog catalog;
  private final KeyResolver resolver;
  private final KeyPolicyRules rules;

  KeyPolicyService(KeyCatalog catalog, KeyResolver resolver, KeyPolicyRules rules) {
    this.catalog = catalog;
    this.resolver = resolver;
    this.rules = rules;
  }

  /**
   * PutKeyPolicy: replaces the key's policy with {@code policy}, stored exactly as given.
   *
   * @param scope who calls, authorized as {@code kms:PutKeyPolicy}; the lockout safety check asks whether
   *     this caller could call PutKeyPolicy again under the new policy
   * @param policyName null or {@code default}
   */
  public void putKeyPolicy(RequestScope scope, String keyId, String policyName, String policy,
      boolean bypassLockoutCheck) {
    ShapeValidator.create()
        .keyId("keyId", keyId, true)
        .length("policyName", policyName, 1, 128)
        .pattern("policyName", policyName, POLICY_NAME)
        .required("policy", policy)
        .length("policy", policy, 1, 131072)
        .validate();
    KmsKey key = resolver.resolveKeyOnly(scope, keyId);
    requireDefault(policyName);
    rules.check(policy, key.arn(), scope.caller(), bypassLockoutCheck);
    catalog.updateKey(key.keyId(), current -> current.withPolicy(policy));
  }

  /** GetKeyPolicy: the policy document exactly as it was stored (a key created without one: the default). */
  public String getKeyPolicy(RequestScope scope, String keyId, String policyName) {
    ShapeValidator.create()
        .keyId("keyId", keyId, true)
        .length("policyName", policyName, 1, 128)
        .pattern("policyName", policyName, POLICY_NAME)
        .validate();
    KmsKey key = resolver.resolveKeyOnly(scope, keyId);
    requireDefault(policyName);
    return key.policy();
  }

  /** ListKeyPolicies: always the one name {@code default}, never truncated. */
  public Page<String> listKeyPolicies(RequestScope scope, String keyId, Integer limit, String marker) {
    ShapeValidator.create()
        .keyId("keyId", keyId, true)
        .range("limit", limit, 1, 1000)
        .marker("marker", marker)
        .validate();
    resolver.resolveKeyOnly(scope, keyId);
    return new Page<>(List.of(DEFAULT_POLICY_NAME), null);
  }

  /**
   * A policy name other than {@code default}. AWS's error for it is not recorded (aws-auth-policy-audit.md
   * §2.3 [U]); NotFoundException is the closest modeled error, and its text is moto's [P getmoto/moto
   * moto/kms/models.py], the one public emulation of it.
   */
  private static void requireDefault(String policyName) {
    if (policyName != null && !DEFAULT_POLICY_NAME.equals(policyName)) {
      throw new NotFoundException("No such policy exists");
    }
  }
}
