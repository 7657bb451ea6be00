package io.trent.core.api;

import io.trent.core.key.KmsKey;

/** GetPublicKey output: the key (spec, usage, algorithms) and its ARN and DER SPKI. */
public record PublicKeyResult(String keyArn, KmsKey key, byte[] publicKey) {}
