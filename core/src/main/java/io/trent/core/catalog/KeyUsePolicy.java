package io.trent.core.catalog;

import io.trent.core.error.DisabledException;
import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import java.util.function.Supplier;

/**
 * The key-state and key-usage gates every cryptographic operation passes, in AWS's order: key
 * state first, then key usage, then key spec.
 */
public final class KeyUsePolicy {
  private KeyUsePolicy() {}

  /**
   * Runs a key-backend call for the key with this ARN. The backend names a missing HSM object by
   * its material id, which the log keeps (as the cause); the caller is told what DescribeKey shows:
   * the key is unavailable.
   */
  public static <T> T inHsm(String arn, Supplier<T> call) {
    return inHsm(() -> arn, call);
  }

  /** As {@link #inHsm(String, Supplier)}, building the ARN only if it is needed (for hot paths). */
  public static <T> T inHsm(Supplier<String> arn, Supplier<T> call) {
    try {
      return call.get();
    } catch (KeyUnavailableException e) {
      throw new KeyUnavailableException(unavailable(arn.get()), e);
    }
  }

  private static String unavailable(String arn) {
    return arn + " is unavailable.";
  }

  /** Fails unless the key is Enabled. */
  public static void requireEnabled(KmsKey key, String arn) {
    switch (key.state()) {
      case Enabled -> { }
      case Disabled -> throw new DisabledException(arn + " is disabled.");
      case PendingDeletion -> throw new KmsInvalidStateException(arn + " is pending deletion.");
      case PendingImport -> throw new KmsInvalidStateException(arn + " is pending import.");
      case Unavailable -> throw new KeyUnavailableException(unavailable(arn));
      default -> throw new KmsInvalidStateException(arn + " is " + key.state() + ".");
    }
  }

  /** Fails unless the key is a symmetric encryption key (the only kind that makes data keys). */
  public static void requireSymmetricEncryption(KmsKey key, String arn, String operation) {
    if (key.keyUsage() != KeyUsage.ENCRYPT_DECRYPT) {
      throw new InvalidKeyUsageException(
          arn + " key usage is " + key.keyUsage() + " which is not valid for " + operation + ".");
    }
    if (key.keySpec() != KeySpec.SYMMETRIC_DEFAULT) {
      throw new InvalidKeyUsageException(
          arn + " key KeySpec is " + key.keySpec() + " which is not valid for " + operation + ".");
    }
  }

  /** Fails unless the key has the usage the operation needs. */
  public static void requireUsage(KmsKey key, String arn, KeyUsage usage, String operation) {
    if (key.keyUsage() != usage) {
      throw new InvalidKeyUsageException(
          arn + " key usage is " + key.keyUsage() + " which is not valid for " + operation + ".");
    }
  }

  /** Enabled, then symmetric ENCRYPT_DECRYPT. */
  public static void requireUsableForSymmetric(KmsKey key, String arn, String operation) {
    requireEnabled(key, arn);
    requireSymmetricEncryption(key, arn, operation);
  }
}
