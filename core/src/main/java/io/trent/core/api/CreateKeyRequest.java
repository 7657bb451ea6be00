package io.trent.core.api;

import java.util.List;

/** CreateKey input. */
public record CreateKeyRequest(String policy, String description, String keyUsage, String customerMasterKeySpec, String keySpec, String origin, String customKeyStoreId, List<TagInput> tags, boolean multiRegion, String xksKeyId) {}
