package io.trent.core.auth;

import io.trent.core.audit.RequestTrace;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one request brings to authorization besides its key: who calls, the IAM action its operation
 * is authorized as, and the condition keys its members set (from the operation table), passed from the
 * protocol to the operation as a parameter.
 *
 * @param caller who signed the request; in dev mode the account root
 * @param action the IAM action, e.g. {@code kms:Encrypt}
 * @param encryptionContext the request's encryption context (for {@code kms:EncryptionContext:*}), empty if none
 * @param conditionKeys other single-valued condition keys the request sets, e.g. {@code kms:EncryptionAlgorithm},
 *     {@code aws:SourceIp}
 * @param multiValuedKeys multi-valued condition keys the request sets, e.g. {@code kms:GrantOperations}
 * @param grantTokens the request's GrantTokens, whose grants count at once (empty if none)
 * @param trace what the request resolves and how it is authorized, noted for its audit event
 */
public record RequestScope(Caller caller, String action, Map<String, String> encryptionContext,
    Map<String, String> conditionKeys, Map<String, List<String>> multiValuedKeys, List<String> grantTokens,
    RequestTrace trace) {
  public RequestScope {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(action, "action");
    encryptionContext = encryptionContext == null ? Map.of() : encryptionContext;
    conditionKeys = conditionKeys == null ? Map.of() : conditionKeys;
    multiValuedKeys = multiValuedKeys == null ? Map.of() : multiValuedKeys;
    grantTokens = grantTokens == null ? List.of() : grantTokens;
    trace = trace == null ? new RequestTrace() : trace;
  }

  /** A scope with single-valued condition keys only, no grant tokens and a fresh trace (callers that do not audit). */
  public RequestScope(Caller caller, String action, Map<String, String> encryptionContext,
      Map<String, String> conditionKeys) {
    this(caller, action, encryptionContext, conditionKeys, null, null, null);
  }

  /** A scope with a fresh trace. */
  public RequestScope(Caller caller, String action, Map<String, String> encryptionContext,
      Map<String, String> conditionKeys, Map<String, List<String>> multiValuedKeys, List<String> grantTokens) {
    this(caller, action, encryptionContext, conditionKeys, multiValuedKeys, grantTokens, null);
  }

  /** A scope with single-valued condition keys only and no grant tokens, noting into {@code trace}. */
  public RequestScope(Caller caller, String action, Map<String, String> encryptionContext,
      Map<String, String> conditionKeys, RequestTrace trace) {
    this(caller, action, encryptionContext, conditionKeys, null, null, trace);
  }

  /** The same caller and trace for another action with another encryption context (ReEncrypt's two sides). */
  public RequestScope withAction(String newAction, Map<String, String> newEncryptionContext) {
    return new RequestScope(caller, newAction, newEncryptionContext, conditionKeys, multiValuedKeys, grantTokens,
        trace);
  }
}
