package io.trent.core.error;

/**
 * A key policy AWS would refuse: not JSON, against the policy grammar, naming invalid principals, or one
 * that would lock the caller out of PutKeyPolicy. The message is AWS's (empty for a document that is not
 * JSON, as KMS sends).
 */
public final class MalformedPolicyDocumentException extends KmsException {
  public MalformedPolicyDocumentException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "MalformedPolicyDocumentException";
  }
}
