package io.trent.core.api;

import java.util.List;
import java.util.Map;

/**
 * CreateGrant input.
 *
 * @param encryptionContextEquals Constraints.EncryptionContextEquals, or null
 * @param encryptionContextSubset Constraints.EncryptionContextSubset, or null
 */
public record CreateGrantRequest(String keyId, String granteePrincipal, List<String> operations,
    String retiringPrincipal, Map<String, String> encryptionContextEquals, Map<String, String> encryptionContextSubset,
    List<String> grantTokens, String name, boolean dryRun) {}
