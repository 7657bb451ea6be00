package io.trent.policy;

/**
 * A policy document that AWS would refuse. {@link #getMessage()} is the text AWS sends to the client
 * (possibly empty: KMS answers a non-JSON key policy with an empty message); {@link #awsErrorType()}
 * names the AWS error the server maps it to, and {@link #detail()} says, for logs, what exactly was
 * wrong. Policies hold no secrets, so the detail may quote the document.
 */
public final class MalformedPolicyException extends RuntimeException {
  /** AWS error type for a policy AWS refuses as malformed. */
  public static final String MALFORMED = "MalformedPolicyDocumentException";
  /** AWS error type for a key policy over its size limit (PutKeyPolicy/CreateKey API docs). */
  public static final String LIMIT_EXCEEDED = "LimitExceededException";

  // Texts recorded from real KMS (see /work/shared/reference/aws-auth-policy-audit.md §2.2, §2.3).
  /** [R awslabs/minimum-viable-dataspace-on-aws#6 and many CloudFormation logs]. */
  public static final String INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals.";
  /** [M PutKeyPolicy doc; R aws-solutions/innovation-sandbox-on-aws#31, CloudTrail errorMessage]. */
  public static final String LOCKOUT = "The new key policy will not allow you to update the key policy in the future.";
  /** [D kdg:conditions-kms.md "kms:EncryptionContext:context-key"]. */
  public static final String OVERLY_PERMISSIVE_ENCRYPTION_CONTEXT =
      "OverlyPermissiveCondition:EncryptionContext: Using the ForAllValues set operator with a single-valued condition key "
          + "matches requests without the specified encryption context or with an unspecified encryption context. "
          + "To fix, remove ForAllValues.";

  private final String awsErrorType;
  private final String detail;

  public MalformedPolicyException(String awsErrorType, String awsMessage, String detail) {
    super(awsMessage, null, false, false);
    this.awsErrorType = awsErrorType;
    this.detail = detail;
  }

  static MalformedPolicyException malformed(String awsMessage, String detail) {
    return new MalformedPolicyException(MALFORMED, awsMessage, detail);
  }

  /** The AWS {@code __type} the server answers with. */
  public String awsErrorType() {
    return awsErrorType;
  }

  /** What was wrong, for the log (never sent to the client: AWS's message is terser). */
  public String detail() {
    return detail;
  }
}
