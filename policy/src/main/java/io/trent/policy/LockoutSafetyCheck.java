package io.trent.policy;

import java.util.List;

/**
 * KMS's policy lockout safety check: a key policy given to CreateKey or PutKeyPolicy must let the calling
 * principal call PutKeyPolicy on the key later, unless {@code BypassPolicyLockoutSafetyCheck} is true
 * [M PutKeyPolicy/CreateKey docs]. It fails when the policy only delegates to the account and the caller's
 * identity policies do not allow {@code kms:PutKeyPolicy}
 * [R aws-samples/rds-snapshot-export-to-s3-pipeline#8]. Grants never allow PutKeyPolicy, so none are consulted.
 */
public final class LockoutSafetyCheck {
  private LockoutSafetyCheck() {}

  /** Whether the caller would still be allowed {@code kms:PutKeyPolicy} on the key under the new policy. */
  public static boolean allowsFutureUpdate(CompiledPolicy newKeyPolicy, List<CompiledPolicy> callerIdentityPolicies,
      RequestContext caller, String keyArn, String keyAccount) {
    RequestContext put = caller.withAction("kms:PutKeyPolicy", keyArn, keyAccount);
    return KeyAccessEvaluator.evaluate(newKeyPolicy, callerIdentityPolicies, List.of(), put).allowed();
  }

  /**
   * Throws AWS's MalformedPolicyDocumentException text if the new policy would lock the caller out.
   *
   * @throws MalformedPolicyException {@value MalformedPolicyException#LOCKOUT}
   */
  public static void require(CompiledPolicy newKeyPolicy, List<CompiledPolicy> callerIdentityPolicies,
      RequestContext caller, String keyArn, String keyAccount) {
    if (!allowsFutureUpdate(newKeyPolicy, callerIdentityPolicies, caller, keyArn, keyAccount)) {
      throw MalformedPolicyException.malformed(MalformedPolicyException.LOCKOUT,
          caller.principalArn() + " could not call kms:PutKeyPolicy on " + keyArn + " under the new policy");
    }
  }
}
