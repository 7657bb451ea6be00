package io.trent.server.protocol;

import static io.trent.server.protocol.JsonType.BLOB;
import static io.trent.server.protocol.JsonType.BOOLEAN;
import static io.trent.server.protocol.JsonType.INTEGER;
import static io.trent.server.protocol.JsonType.STRING;
import static io.trent.server.protocol.JsonType.STRING_LIST;
import static io.trent.server.protocol.JsonType.STRING_MAP;
import static io.trent.server.protocol.JsonType.TIMESTAMP;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The request side of the AWS KMS model for every operation Trent serves, as data: each
 * operation's complete member list with JSON types, and what Trent does with members it does not
 * implement. Constraints and enums (lengths, ranges, allowed values) are checked by the core
 * services, which report them with AWS's ValidationException messages.
 *
 * <p>{@code KmsModelTest} compares every shape here with the AWS SDK for Java v2 model, so the
 * lists cannot drift. Members newer than that SDK are listed there explicitly.
 */
final class KmsModel {
  private KmsModel() {}

  static final Shape TAG = Shape.of("Tag", Member.of("TagKey", STRING), Member.of("TagValue", STRING));

  static final Shape RECIPIENT_INFO = Shape.of("RecipientInfo",
      Member.of("KeyEncryptionAlgorithm", STRING), Member.of("AttestationDocument", BLOB));

  /**
   * Attested requests want the secret encrypted to the enclave's key and never in the clear;
   * until CiphertextForRecipient is built, a request that carries Recipient is refused before any
   * HSM work (returning Plaintext would defeat it).
   */
  private static final Member RECIPIENT = Member.structure("Recipient", RECIPIENT_INFO)
      .refused("Recipient is not supported: this server does not return CiphertextForRecipient.");

  /** Newer than SDK 2.29; DryRun with IGNORE_CIPHERTEXT is not implemented. */
  private static final Member DRY_RUN_MODIFIERS = Member.of("DryRunModifiers", STRING_LIST)
      .refused("DryRunModifiers is not supported by this server.");

  private static final Member KEY_ID = Member.of("KeyId", STRING);
  // Grant tokens let their holder use a grant: CloudTrail never logs them (reference §4.2), nor does Trent.
  private static final Member GRANT_TOKENS = Member.of("GrantTokens", STRING_LIST).secret();
  private static final Member DRY_RUN = Member.of("DryRun", BOOLEAN);
  private static final Member ENCRYPTION_CONTEXT = Member.of("EncryptionContext", STRING_MAP);
  private static final Member LIMIT = Member.of("Limit", INTEGER);
  private static final Member MARKER = Member.of("Marker", STRING);
  private static final Member TAGS = Member.structureList("Tags", TAG);

  static final Shape GRANT_CONSTRAINTS = Shape.of("GrantConstraints",
      Member.of("EncryptionContextSubset", STRING_MAP), Member.of("EncryptionContextEquals", STRING_MAP));

  private static final Map<String, Shape> OPERATIONS = build();

  private static final Map<String, OperationAuth> AUTHORIZATION = authorization();

  /**
   * The operations that change something: CloudTrail's {@code readOnly} false, and the only ones whose
   * response is logged as {@code responseElements} (key ids and metadata; never plaintext) [reference §4.1].
   */
  private static final Set<String> MUTATING = Set.of("CreateKey", "EnableKey", "DisableKey", "ScheduleKeyDeletion",
      "CancelKeyDeletion", "UpdateKeyDescription", "PutKeyPolicy", "CreateAlias", "UpdateAlias", "DeleteAlias",
      "TagResource", "UntagResource", "EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand",
      "ImportKeyMaterial", "DeleteImportedKeyMaterial");

  /** The operations that use a key's material in the HSM; their events name the material (trent.keyMaterialId). */
  private static final Set<String> CRYPTOGRAPHIC = Set.of("Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey",
      "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "Sign",
      "Verify", "GenerateMac", "VerifyMac");

  /** Whether the operation only reads (CloudTrail's {@code readOnly}). */
  static boolean readOnly(String operation) {
    return !MUTATING.contains(operation);
  }

  /** Whether the operation uses key material in the HSM. */
  static boolean cryptographic(String operation) {
    return CRYPTOGRAPHIC.contains(operation);
  }

  /** Operation name (the X-Amz-Target suffix) to its request shape. */
  static Map<String, Shape> operations() {
    return OPERATIONS;
  }

  /** Operation name to how it is authorized. */
  static Map<String, OperationAuth> authorizations() {
    return AUTHORIZATION;
  }

  // IAM actions and condition keys per operation [D kdg:kms-api-permissions-reference, kdg:conditions-kms;
  // aws-auth-policy-audit.md §2.6]. CreateKey, ListKeys, ListAliases and GenerateRandom are IAM-only (Resource *).
  // ReEncrypt is kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination (the core asks both).
  private static final String SYMMETRIC = "SYMMETRIC_DEFAULT";

  private static Map<String, OperationAuth> authorization() {
    Map<String, OperationAuth> a = new LinkedHashMap<>();
    a.put("CreateKey", OperationAuth.account("kms:CreateKey").sets("kms:KeySpec", "KeySpec")
        .sets("kms:KeyUsage", "KeyUsage").sets("kms:KeyOrigin", "Origin").sets("kms:MultiRegion", "MultiRegion")
        .sets("kms:BypassPolicyLockoutSafetyCheck", "BypassPolicyLockoutSafetyCheck"));
    a.put("ListKeys", OperationAuth.account("kms:ListKeys"));
    a.put("ListAliases", OperationAuth.account("kms:ListAliases"));
    a.put("GenerateRandom", OperationAuth.account("kms:GenerateRandom"));
    for (String op : new String[] {"DescribeKey", "EnableKey", "DisableKey", "CancelKeyDeletion", "UpdateKeyDescription",
        "TagResource", "UntagResource", "ListResourceTags", "GetPublicKey", "DisableKeyRotation", "GetKeyRotationStatus",
        "RotateKeyOnDemand", "ListKeyRotations", "DeleteImportedKeyMaterial"}) {
      a.put(op, OperationAuth.onKey("kms:" + op, "KeyId"));
    }
    // The key policy operations take a key id or key ARN (no alias), authorized on that key.
    for (String op : new String[] {"GetKeyPolicy", "ListKeyPolicies"}) {
      a.put(op, OperationAuth.onKey("kms:" + op, "KeyId"));
    }
    // Only when the request has the member: AWS's example allows PutKeyPolicy under Null on it [D kdg:conditions-kms].
    a.put("PutKeyPolicy", OperationAuth.onKey("kms:PutKeyPolicy", "KeyId")
        .sets("kms:BypassPolicyLockoutSafetyCheck", "BypassPolicyLockoutSafetyCheck"));
    a.put("ScheduleKeyDeletion", OperationAuth.onKey("kms:ScheduleKeyDeletion", "KeyId")
        .sets("kms:ScheduleKeyDeletionPendingWindowInDays", "PendingWindowInDays"));
    a.put("EnableKeyRotation", OperationAuth.onKey("kms:EnableKeyRotation", "KeyId")
        .sets("kms:RotationPeriodInDays", "RotationPeriodInDays"));
    a.put("CreateAlias", OperationAuth.onKey("kms:CreateAlias", "TargetKeyId"));
    a.put("UpdateAlias", OperationAuth.onKey("kms:UpdateAlias", "TargetKeyId"));
    a.put("DeleteAlias", OperationAuth.onKey("kms:DeleteAlias", "AliasName"));
    // kms:EncryptionAlgorithm is the request's, SYMMETRIC_DEFAULT when it names none (reference §2.6).
    a.put("Encrypt", OperationAuth.onKey("kms:Encrypt", "KeyId").context("EncryptionContext")
        .sets("kms:EncryptionAlgorithm", "EncryptionAlgorithm").otherwise("kms:EncryptionAlgorithm", SYMMETRIC));
    a.put("Decrypt", OperationAuth.onKey("kms:Decrypt", "KeyId").context("EncryptionContext")
        .sets("kms:EncryptionAlgorithm", "EncryptionAlgorithm").otherwise("kms:EncryptionAlgorithm", SYMMETRIC));
    a.put("ReEncrypt", OperationAuth.onKey("kms:ReEncryptFrom", "SourceKeyId").context("SourceEncryptionContext")
        .sets("kms:EncryptionAlgorithm", "SourceEncryptionAlgorithm").otherwise("kms:EncryptionAlgorithm", SYMMETRIC));
    for (String op : new String[] {"GenerateDataKey", "GenerateDataKeyWithoutPlaintext"}) {
      a.put(op, OperationAuth.onKey("kms:" + op, "KeyId").context("EncryptionContext")
          .otherwise("kms:EncryptionAlgorithm", SYMMETRIC));
    }
    for (String op : new String[] {"GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"}) {
      a.put(op, OperationAuth.onKey("kms:" + op, "KeyId").context("EncryptionContext")
          .sets("kms:DataKeyPairSpec", "KeyPairSpec").otherwise("kms:EncryptionAlgorithm", SYMMETRIC));
    }
    for (String op : new String[] {"Sign", "Verify"}) {
      a.put(op, OperationAuth.onKey("kms:" + op, "KeyId").sets("kms:SigningAlgorithm", "SigningAlgorithm")
          .sets("kms:MessageType", "MessageType"));
    }
    for (String op : new String[] {"GenerateMac", "VerifyMac"}) {
      a.put(op, OperationAuth.onKey("kms:" + op, "KeyId").sets("kms:MacAlgorithm", "MacAlgorithm"));
    }
    // Grants [D kdg:grant-authorization; reference §2.6, §3]: CreateGrant sets the grant condition keys (kms:ViaService
    // and kms:GrantIsForAWSResource are not set here); ListRetirableGrants is IAM-only; RetireGrant is decided by the
    // grant itself first (GrantService), with kms:RetireGrant for the accounts that may retire it.
    a.put("CreateGrant", OperationAuth.onKey("kms:CreateGrant", "KeyId").setsAll("kms:GrantOperations", "Operations")
        .sets("kms:GranteePrincipal", "GranteePrincipal").sets("kms:RetiringPrincipal", "RetiringPrincipal")
        .setsMemberNames("kms:GrantConstraintType", "Constraints"));
    a.put("ListGrants", OperationAuth.onKey("kms:ListGrants", "KeyId"));
    a.put("RevokeGrant", OperationAuth.onKey("kms:RevokeGrant", "KeyId"));
    a.put("RetireGrant", OperationAuth.onKey("kms:RetireGrant", "KeyId"));
    a.put("ListRetirableGrants", OperationAuth.account("kms:ListRetirableGrants"));
    a.put("GetParametersForImport", OperationAuth.onKey("kms:GetParametersForImport", "KeyId")
        .sets("kms:WrappingAlgorithm", "WrappingAlgorithm").sets("kms:WrappingKeySpec", "WrappingKeySpec"));
    a.put("ImportKeyMaterial", OperationAuth.onKey("kms:ImportKeyMaterial", "KeyId")
        .sets("kms:ExpirationModel", "ExpirationModel").sets("kms:ValidTo", "ValidTo"));
    return Map.copyOf(a);
  }

  private static Map<String, Shape> build() {
    Map<String, Shape> ops = new LinkedHashMap<>();
    // Keys
    add(ops, "CreateKey", Member.of("Policy", STRING), Member.of("Description", STRING), Member.of("KeyUsage", STRING),
        Member.of("CustomerMasterKeySpec", STRING), Member.of("KeySpec", STRING), Member.of("Origin", STRING),
        Member.of("CustomKeyStoreId", STRING), Member.of("BypassPolicyLockoutSafetyCheck", BOOLEAN), TAGS, Member.of("MultiRegion", BOOLEAN), Member.of("XksKeyId", STRING));
    add(ops, "DescribeKey", KEY_ID, GRANT_TOKENS);
    add(ops, "ListKeys", LIMIT, MARKER);
    add(ops, "EnableKey", KEY_ID);
    add(ops, "DisableKey", KEY_ID);
    add(ops, "ScheduleKeyDeletion", KEY_ID, Member.of("PendingWindowInDays", INTEGER));
    add(ops, "CancelKeyDeletion", KEY_ID);
    add(ops, "UpdateKeyDescription", KEY_ID, Member.of("Description", STRING));
    // Key policies
    add(ops, "PutKeyPolicy", KEY_ID, Member.of("PolicyName", STRING),
        Member.of("Policy", STRING), Member.of("BypassPolicyLockoutSafetyCheck", BOOLEAN));
    add(ops, "GetKeyPolicy", KEY_ID, Member.of("PolicyName", STRING));
    add(ops, "ListKeyPolicies", KEY_ID, LIMIT, MARKER);
    // Grants
    add(ops, "CreateGrant", KEY_ID, Member.of("GranteePrincipal", STRING), Member.of("RetiringPrincipal", STRING),
        Member.of("Operations", STRING_LIST), Member.structure("Constraints", GRANT_CONSTRAINTS), GRANT_TOKENS,
        Member.of("Name", STRING), DRY_RUN);
    add(ops, "ListGrants", LIMIT, MARKER, KEY_ID, Member.of("GrantId", STRING), Member.of("GranteePrincipal", STRING));
    add(ops, "ListRetirableGrants", LIMIT, MARKER, Member.of("RetiringPrincipal", STRING));
    add(ops, "RetireGrant", Member.of("GrantToken", STRING), KEY_ID, Member.of("GrantId", STRING), DRY_RUN);
    add(ops, "RevokeGrant", KEY_ID, Member.of("GrantId", STRING), DRY_RUN);
    // Aliases and tags
    add(ops, "CreateAlias", Member.of("AliasName", STRING), Member.of("TargetKeyId", STRING));
    add(ops, "UpdateAlias", Member.of("AliasName", STRING), Member.of("TargetKeyId", STRING));
    add(ops, "DeleteAlias", Member.of("AliasName", STRING));
    add(ops, "ListAliases", KEY_ID, LIMIT, MARKER);
    add(ops, "TagResource", KEY_ID, TAGS);
    add(ops, "UntagResource", KEY_ID, Member.of("TagKeys", STRING_LIST));
    add(ops, "ListResourceTags", KEY_ID, LIMIT, MARKER);
    // Symmetric and asymmetric encryption
    add(ops, "Encrypt", KEY_ID, Member.of("Plaintext", BLOB), ENCRYPTION_CONTEXT, GRANT_TOKENS,
        Member.of("EncryptionAlgorithm", STRING), DRY_RUN);
    // CloudTrail logs Decrypt's encryptionAlgorithm even when the request names none (reference §4.2).
    add(ops, "Decrypt", Member.of("CiphertextBlob", BLOB), ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID,
        Member.of("EncryptionAlgorithm", STRING).auditDefault(SYMMETRIC), RECIPIENT, DRY_RUN, DRY_RUN_MODIFIERS);
    add(ops, "ReEncrypt", Member.of("CiphertextBlob", BLOB), Member.of("SourceEncryptionContext", STRING_MAP),
        Member.of("SourceKeyId", STRING), Member.of("DestinationKeyId", STRING),
        Member.of("DestinationEncryptionContext", STRING_MAP), Member.of("SourceEncryptionAlgorithm", STRING),
        Member.of("DestinationEncryptionAlgorithm", STRING), GRANT_TOKENS, DRY_RUN, DRY_RUN_MODIFIERS);
    add(ops, "GenerateRandom", Member.of("NumberOfBytes", INTEGER), Member.of("CustomKeyStoreId", STRING), RECIPIENT);
    // Data keys
    add(ops, "GenerateDataKey", KEY_ID, ENCRYPTION_CONTEXT, Member.of("NumberOfBytes", INTEGER),
        Member.of("KeySpec", STRING), GRANT_TOKENS, RECIPIENT, DRY_RUN);
    add(ops, "GenerateDataKeyWithoutPlaintext", KEY_ID, ENCRYPTION_CONTEXT, Member.of("KeySpec", STRING),
        Member.of("NumberOfBytes", INTEGER), GRANT_TOKENS, DRY_RUN);
    add(ops, "GenerateDataKeyPair", ENCRYPTION_CONTEXT, KEY_ID, Member.of("KeyPairSpec", STRING), GRANT_TOKENS,
        RECIPIENT, DRY_RUN);
    add(ops, "GenerateDataKeyPairWithoutPlaintext", ENCRYPTION_CONTEXT, KEY_ID, Member.of("KeyPairSpec", STRING),
        GRANT_TOKENS, DRY_RUN);
    // Signing and MACs
    add(ops, "GetPublicKey", KEY_ID, GRANT_TOKENS);
    add(ops, "Sign", KEY_ID, Member.of("Message", BLOB), Member.of("MessageType", STRING), GRANT_TOKENS,
        Member.of("SigningAlgorithm", STRING), DRY_RUN);
    add(ops, "Verify", KEY_ID, Member.of("Message", BLOB), Member.of("MessageType", STRING),
        Member.of("Signature", BLOB), Member.of("SigningAlgorithm", STRING), GRANT_TOKENS, DRY_RUN);
    add(ops, "GenerateMac", Member.of("Message", BLOB), KEY_ID, Member.of("MacAlgorithm", STRING), GRANT_TOKENS,
        DRY_RUN);
    add(ops, "VerifyMac", Member.of("Message", BLOB), KEY_ID, Member.of("MacAlgorithm", STRING),
        Member.of("Mac", BLOB), GRANT_TOKENS, DRY_RUN);
    // Rotation
    add(ops, "EnableKeyRotation", KEY_ID, Member.of("RotationPeriodInDays", INTEGER));
    add(ops, "DisableKeyRotation", KEY_ID);
    add(ops, "GetKeyRotationStatus", KEY_ID);
    add(ops, "RotateKeyOnDemand", KEY_ID);
    add(ops, "ListKeyRotations", KEY_ID, LIMIT, MARKER,
        Member.of("IncludeKeyMaterial", STRING).refused("IncludeKeyMaterial is not supported by this server."));
    // Imported key material
    add(ops, "GetParametersForImport", KEY_ID, Member.of("WrappingAlgorithm", STRING),
        Member.of("WrappingKeySpec", STRING));
    add(ops, "ImportKeyMaterial", KEY_ID, Member.of("ImportToken", BLOB), Member.of("EncryptedKeyMaterial", BLOB),
        Member.of("ValidTo", TIMESTAMP), Member.of("ExpirationModel", STRING),
        Member.of("ImportType", STRING).refused("ImportType is not supported by this server."),
        Member.of("KeyMaterialDescription", STRING).refused("KeyMaterialDescription is not supported by this server."),
        Member.of("KeyMaterialId", STRING).refused("KeyMaterialId is not supported by this server."));
    add(ops, "DeleteImportedKeyMaterial", KEY_ID, Member.of("KeyMaterialId", STRING).refused(
        "KeyMaterialId is not supported by this server: DeleteImportedKeyMaterial deletes the current key material."));
    return Map.copyOf(ops);
  }

  private static void add(Map<String, Shape> ops, String operation, Member... members) {
    ops.put(operation, Shape.of(operation + "Request", members));
  }
}
