package io.trent.core.key;

import java.time.Instant;

/**
 * The parameters GetParametersForImport handed out, which ImportKeyMaterial must match.
 *
 * @param tokenId the import token (hex of the random bytes the caller holds)
 * @param keyId the KMS key it is for
 * @param wrappingKeyId the backend's id of the RSA wrapping key pair in the HSM
 * @param wrappingAlgorithm how the caller must wrap the material
 * @param wrappingKeySpec the wrapping key's size
 * @param validTo when the token and wrapping key expire
 */
public record ImportToken(String tokenId, String keyId, String wrappingKeyId, WrappingAlgorithm wrappingAlgorithm,
    WrappingKeySpec wrappingKeySpec, Instant validTo) {}
