package io.trent.core.service;

import io.trent.core.auth.Caller;
import io.trent.core.error.KmsException;
import io.trent.core.error.LimitExceededException;
import io.trent.core.error.MalformedPolicyDocumentException;
import io.trent.core.key.AccountRegion;
import io.trent.core.key.Arn;
import io.trent.core.spi.MetadataStore;
import io.trent.policy.CompiledPolicy;
import io.trent.policy.DefaultKeyPolicy;
import io.trent.policy.LockoutSafetyCheck;
import io.trent.policy.MalformedPolicyException;
import io.trent.policy.PolicyParser;
import io.trent.policy.RequestContext;
import java.util.ArrayList;
import java.util.List;

/**
 * What CreateKey and PutKeyPolicy require of a key policy document: AWS's grammar and size limit, and the
 * lockout safety check against the calling principal and its identity policy. The one place a
 * {@link MalformedPolicyException} of the policy library becomes the KMS error AWS sends.
 */
final class KeyPolicyRules {
  private final MetadataStore store;
  KeyPolicyRules(MetadataStore store) {
    this.store = store;
  }

  /**
   * The policy AWS gives a key created without one [aws-auth-policy-audit.md §2.1]: it names the root of
   * the account the key belongs to, the creating caller's.
   */
  String defaultPolicy(AccountRegion home) {
    return DefaultKeyPolicy.text(home.partition(), home.accountId());
  }

  /**
   * Checks a key policy for the key {@code keyArn}, as CreateKey and PutKeyPolicy do.
   *
   * @param bypassLockoutCheck BypassPolicyLockoutSafetyCheck: skip the check that the caller may still
   *     call PutKeyPolicy under the new policy
   * @throws MalformedPolicyDocumentException or LimitExceededException (over 32 KiB), with AWS's message
   */
  void check(String policy, Arn keyArn, Caller caller, boolean bypassLockoutCheck) {
    CompiledPolicy compiled;
    try {
      compiled = CompiledPolicy.compile(PolicyParser.parseKeyPolicy(policy));
    } catch (MalformedPolicyException e) {
      throw toKms(e);
    }
    if (!bypassLockoutCheck) {
      RequestContext context = RequestContext.builder()
          .principal(caller.principalArn(), caller.accountId())
          .action("kms:PutKeyPolicy")
          .build();
      try {
        LockoutSafetyCheck.require(compiled, identityPolicies(caller), context, keyArn.value(),
            keyArn.accountId());
      } catch (MalformedPolicyException e) {
        throw toKms(e);
      }
    }
  }

  /**
   * The caller's identity policy, when the principal store knows the caller and it has one. A stored
   * policy the parser refuses (principal add checks only that it is a JSON object) allows nothing here:
   * the check then fails closed instead of blaming the key policy for the identity policy's fault.
   */
  private List<CompiledPolicy> identityPolicies(Caller caller) {
    List<CompiledPolicy> policies = new ArrayList<>(1);
    store.findPrincipal(caller.principalArn()).map(p -> p.policy()).ifPresent(text -> {
      try {
        policies.add(CompiledPolicy.compile(PolicyParser.parseIdentityPolicy(text), caller.principalArn()));
      } catch (MalformedPolicyException ignored) {
        // allows nothing: see above
      }
    });
    return policies;
  }

  private static KmsException toKms(MalformedPolicyException e) {
    if (MalformedPolicyException.LIMIT_EXCEEDED.equals(e.awsErrorType())) {
      return new LimitExceededException(e.getMessage());
    }
    return new MalformedPolicyDocumentException(e.getMessage());
  }
}
