package io.trent.core.api;

import java.util.List;

/**
 * CreateKey input.
 *
 * @param policy the key policy document, or null for the default key policy
 * @param bypassPolicyLockoutSafetyCheck skip the check that the caller could still call PutKeyPolicy
 */
public record CreateKeyRequest(String policy, String description, String keyUsage, String customerMasterKeySpec,
    String keySpec, String origin, String customKeyStoreId, List<TagInput> tags, boolean multiRegion, String xksKeyId,
    boolean bypassPolicyLockoutSafetyCheck) {

  /** A request without BypassPolicyLockoutSafetyCheck (false, its default). */
  public CreateKeyRequest(String policy, String description, String keyUsage, String customerMasterKeySpec,
      String keySpec, String origin, String customKeyStoreId, List<TagInput> tags, boolean multiRegion,
      String xksKeyId) {
    this(policy, description, keyUsage, customerMasterKeySpec, keySpec, origin, customKeyStoreId, tags, multiRegion,
        xksKeyId, false);
  }
}
