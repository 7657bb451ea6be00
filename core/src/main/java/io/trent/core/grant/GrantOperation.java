package io.trent.core.grant;

import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyUsage;

/**
 * The operations a grant may allow: the model's GrantOperation enum [M botocore kms service-2.json], with the
 * key usage each needs. A grant's operations must fit its key [D kdg:grants.md "grant operations"]: symmetric
 * encryption keys take no Sign, Verify, GenerateMac or VerifyMac; asymmetric keys no data key (pair)
 * generation; HMAC keys only the MAC operations and the common ones.
 */
public enum GrantOperation {
  Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncryptFrom, ReEncryptTo, Sign, Verify,
  GetPublicKey, CreateGrant, RetireGrant, DescribeKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext,
  GenerateMac, VerifyMac, DeriveSharedSecret;

  /** The value set as AWS prints it in a ValidationException. */
  public static final String AWS_SET = "[Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, "
      + "ReEncryptFrom, ReEncryptTo, Sign, Verify, GetPublicKey, CreateGrant, RetireGrant, DescribeKey, "
      + "GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateMac, VerifyMac, DeriveSharedSecret]";

  /** Whether a grant on a key of this usage and spec may allow this operation. */
  public boolean fits(KeyUsage usage, KeySpec spec) {
    return switch (this) {
      case CreateGrant, RetireGrant, DescribeKey -> true;
      case Encrypt, Decrypt, ReEncryptFrom, ReEncryptTo -> usage == KeyUsage.ENCRYPT_DECRYPT;
      case GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateDataKeyPair,
          GenerateDataKeyPairWithoutPlaintext -> usage == KeyUsage.ENCRYPT_DECRYPT && spec == KeySpec.SYMMETRIC_DEFAULT;
      case GetPublicKey -> spec != KeySpec.SYMMETRIC_DEFAULT && usage != KeyUsage.GENERATE_VERIFY_MAC;
      case Sign, Verify -> usage == KeyUsage.SIGN_VERIFY;
      case GenerateMac, VerifyMac -> usage == KeyUsage.GENERATE_VERIFY_MAC;
      case DeriveSharedSecret -> usage == KeyUsage.KEY_AGREEMENT;
    };
  }
}
