package io.trent.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What a policy decision looks at: who calls (principal ARN and account; for a role session also the
 * role's ARN; for an AWS service its service principal), which action on which key, and the request's
 * condition keys. Condition key names are case-insensitive [D iamdoc:reference_policies_elements_condition;
 * kdg:conditions-kms.md "The key name is not case sensitive"], so they are stored lower-cased.
 *
 * <p>The builder derives {@code aws:PrincipalArn} (the role ARN for a role session
 * [D iamdoc:reference_policies_condition-keys#condition-keys-principalarn]), {@code aws:PrincipalAccount},
 * {@code kms:CallerAccount} and, from {@link Builder#encryptionContext}, {@code kms:EncryptionContext:<k>} and
 * {@code kms:EncryptionContextKeys} (absent when the context is empty, so {@code ForAnyValue} fails and
 * {@code ForAllValues} passes, as documented in kdg:conditions-kms.md).
 */
public final class RequestContext {
  private final String principalArn;
  private final String principalAccount;
  private final String sessionIssuerArn;
  private final String servicePrincipal;
  private final String action;
  private final String operation;
  private final String resourceArn;
  private final String resourceAccount;
  private final Map<String, String> encryptionContext;
  private final Map<String, ContextValue> keys;
  private final Map<String, ContextValue> explicitKeys;
  private final Map<String, Supplier<ContextValue>> lazyKeys;
  private Map<String, ContextValue> computed;
  private final boolean root;

  private RequestContext(Builder b) {
    this.principalArn = require(b.principalArn, "principalArn");
    this.principalAccount = require(b.principalAccount, "principalAccount");
    this.sessionIssuerArn = b.sessionIssuerArn;
    this.servicePrincipal = b.servicePrincipal;
    this.action = require(b.action, "action");
    int colon = action.indexOf(':');
    this.operation = colon < 0 ? action : action.substring(colon + 1);
    this.resourceArn = b.resourceArn;
    this.resourceAccount = b.resourceAccount;
    this.encryptionContext = Map.copyOf(b.encryptionContext);
    this.explicitKeys = Map.copyOf(b.keys);
    this.lazyKeys = Map.copyOf(b.lazyKeys);
    Map<String, ContextValue> k = new HashMap<>(b.keys);
    k.putIfAbsent("aws:principalarn", ContextValue.single(sessionIssuerArn != null ? sessionIssuerArn : principalArn));
    k.putIfAbsent("aws:principalaccount", ContextValue.single(principalAccount));
    k.putIfAbsent("kms:calleraccount", ContextValue.single(principalAccount));
    if (!encryptionContext.isEmpty()) {
      for (Map.Entry<String, String> e : new TreeMap<>(encryptionContext).entrySet()) {
        k.putIfAbsent("kms:encryptioncontext:" + e.getKey().toLowerCase(Locale.ROOT), ContextValue.single(e.getValue()));
      }
      k.putIfAbsent("kms:encryptioncontextkeys", ContextValue.multi(List.copyOf(new TreeMap<>(encryptionContext).keySet())));
    }
    // k is private and never changed after this: no third copy (one per request showed in a profile).
    this.keys = k;
    this.root = PrincipalArn.isRoot(principalArn);
  }

  private static String require(String v, String name) {
    if (v == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A copy of this context for another action on another resource (e.g. the lockout check's PutKeyPolicy). */
  public RequestContext withAction(String newAction, String newResourceArn, String newResourceAccount) {
    Builder b = toBuilder();
    b.action = newAction;
    b.resourceArn = newResourceArn;
    b.resourceAccount = newResourceAccount;
    return b.build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.principalArn = principalArn;
    b.principalAccount = principalAccount;
    b.sessionIssuerArn = sessionIssuerArn;
    b.servicePrincipal = servicePrincipal;
    b.action = action;
    b.resourceArn = resourceArn;
    b.resourceAccount = resourceAccount;
    b.encryptionContext.putAll(encryptionContext);
    b.keys.putAll(explicitKeys);
    b.lazyKeys.putAll(lazyKeys);
    return b;
  }

  public String principalArn() {
    return principalArn;
  }

  public String principalAccount() {
    return principalAccount;
  }

  /** The role ARN behind an assumed-role session, or null. */
  public String sessionIssuerArn() {
    return sessionIssuerArn;
  }

  /** The service principal (e.g. {@code ec2.amazonaws.com}) when an AWS service calls as itself, or null. */
  public String servicePrincipal() {
    return servicePrincipal;
  }

  /** The IAM action, e.g. {@code kms:Encrypt}. */
  public String action() {
    return action;
  }

  /** The action without its service prefix, e.g. {@code Encrypt}: the name grants list. */
  public String operation() {
    return operation;
  }

  /** The key ARN the request acts on, or null for IAM-only actions such as CreateKey. */
  public String resourceArn() {
    return resourceArn;
  }

  public String resourceAccount() {
    return resourceAccount;
  }

  public Map<String, String> encryptionContext() {
    return encryptionContext;
  }

  /** Whether the caller is an account's root user, whom no identity policy limits. */
  public boolean isRoot() {
    return root;
  }

  /**
   * The value of a condition key, or null if the request has none; {@code lowerCaseKey} must be lower case.
   * A key given by {@link Builder#lazyKeys} is computed here, the first time a condition asks, and kept.
   */
  ContextValue value(String lowerCaseKey) {
    ContextValue v = keys.get(lowerCaseKey);
    if (v != null || lazyKeys.isEmpty()) {
      return v;
    }
    Supplier<ContextValue> lazy = lazyKeys.get(lowerCaseKey);
    if (lazy == null) {
      return null;
    }
    // A context belongs to one request, evaluated on one thread: no synchronisation needed.
    if (computed == null) {
      computed = new HashMap<>();
    }
    if (!computed.containsKey(lowerCaseKey)) {
      computed.put(lowerCaseKey, lazy.get());
    }
    return computed.get(lowerCaseKey);
  }

  /** Builds a {@link RequestContext}. */
  public static final class Builder {
    private String principalArn;
    private String principalAccount;
    private String sessionIssuerArn;
    private String servicePrincipal;
    private String action;
    private String resourceArn;
    private String resourceAccount;
    private final Map<String, String> encryptionContext = new HashMap<>();
    private final Map<String, ContextValue> keys = new HashMap<>();
    private final Map<String, Supplier<ContextValue>> lazyKeys = new HashMap<>();

    private Builder() {}

    public Builder principal(String arn, String account) {
      this.principalArn = arn;
      this.principalAccount = account;
      return this;
    }

    /** For an assumed-role session: the role's ARN, which key policies may name instead of the session. */
    public Builder sessionIssuer(String roleArn) {
      this.sessionIssuerArn = roleArn;
      return this;
    }

    public Builder servicePrincipal(String service) {
      this.servicePrincipal = service;
      return this;
    }

    public Builder action(String action) {
      this.action = action;
      return this;
    }

    public Builder resource(String arn, String account) {
      this.resourceArn = arn;
      this.resourceAccount = account;
      return this;
    }

    public Builder encryptionContext(Map<String, String> context) {
      this.encryptionContext.clear();
      this.encryptionContext.putAll(context);
      return this;
    }

    /** Sets a single-valued condition key, e.g. {@code kms:ViaService}, {@code aws:SourceIp}. */
    public Builder key(String name, String value) {
      keys.put(name.toLowerCase(Locale.ROOT), ContextValue.single(value));
      return this;
    }

    /** Sets a multi-valued condition key, e.g. {@code kms:GrantOperations}, {@code kms:ResourceAliases}. */
    public Builder keys(String name, List<String> values) {
      keys.put(name.toLowerCase(Locale.ROOT), ContextValue.multi(values));
      return this;
    }

    /**
     * Sets a multi-valued condition key whose values are computed only if a condition looks at it (e.g.
     * {@code kms:ResourceAliases}, which costs a look-up per request otherwise), at most once per context.
     * The supplier returns null when the request has no such key.
     */
    public Builder lazyKeys(String name, Supplier<List<String>> values) {
      lazyKeys.put(name.toLowerCase(Locale.ROOT), () -> {
        List<String> v = values.get();
        return v == null ? null : ContextValue.multi(v);
      });
      return this;
    }

    /** Sets a single-valued condition key computed only if a condition looks at it (e.g. {@code aws:CurrentTime}). */
    public Builder lazyKey(String name, Supplier<String> value) {
      lazyKeys.put(name.toLowerCase(Locale.ROOT), () -> {
        String v = value.get();
        return v == null ? null : ContextValue.single(v);
      });
      return this;
    }

    /** Sets {@code aws:PrincipalTag/<tag>}. */
    public Builder principalTag(String tag, String value) {
      return key("aws:PrincipalTag/" + tag, value);
    }

    public RequestContext build() {
      return new RequestContext(this);
    }
  }
}
