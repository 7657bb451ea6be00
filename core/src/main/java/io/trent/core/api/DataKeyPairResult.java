package io.trent.core.api;


/** A data key pair: DER SPKI public key, DER PKCS#8 private key and its ciphertext. */
public record DataKeyPairResult(byte[] privateKeyCiphertextBlob, byte[] privateKeyPlaintext, byte[] publicKey, String keyArn, String keyPairSpec, String keyMaterialId) {}
