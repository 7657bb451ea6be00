package io.trent.core.service;

import io.trent.core.blob.EncryptionContext;
import io.trent.core.error.DryRunOperationException;
import io.trent.core.validation.ShapeValidator;
import java.util.List;
import java.util.Map;

/** Shape checks and steps shared by several operations. */
final class RequestChecks {
  private RequestChecks() {}

  /** GrantTokens: at most 10, each 1..8192 characters; accepted but grants are not yet enforced. */
  static ShapeValidator grantTokens(ShapeValidator v, List<String> grantTokens) {
    return v.stringList("grantTokens", grantTokens, 10, 1, 8192);
  }

  static EncryptionContext context(Map<String, String> pairs) {
    return EncryptionContext.of(pairs);
  }

  /** DryRun is the last check before the work itself, as in AWS. */
  static void dryRun(boolean dryRun) {
    if (dryRun) {
      throw new DryRunOperationException("The request would have succeeded, but the DryRun option is set.");
    }
  }
}
