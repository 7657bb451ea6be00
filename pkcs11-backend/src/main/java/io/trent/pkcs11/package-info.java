/**
 * The PKCS#11 {@link io.trent.core.spi.KeyBackend}: KMS key material as non-extractable token
 * objects in an HSM (AES-256 keys, RSA and EC key pairs, HMAC generic secrets, imported material
 * unwrapped in the token), reached through ipkcs11wrapper.
 *
 * <p>Entry points: {@link io.trent.pkcs11.Pkcs11KeyBackend#open}, configured by
 * {@link io.trent.pkcs11.Pkcs11Settings}, and {@link io.trent.pkcs11.Pkcs11TokenProvisioner} to
 * create the token on a fresh SoftHSM2. Tested against SoftHSM2 2.6.1 only.
 */
package io.trent.pkcs11;
