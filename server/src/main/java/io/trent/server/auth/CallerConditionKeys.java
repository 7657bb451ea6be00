package io.trent.server.auth;

import io.trent.core.auth.Caller;
import io.trent.core.auth.Principal;
import io.trent.policy.RequestContext;
import io.trent.server.config.ServiceIntegration;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The condition keys a request carries because of who sent it and how, rather than what it asks: AWS's global
 * keys {@code aws:PrincipalType}, {@code aws:userid}, {@code aws:username}, {@code aws:PrincipalTag/<key>},
 * {@code aws:SecureTransport}, {@code aws:CurrentTime}, {@code aws:EpochTime}, {@code aws:ViaAWSService}
 * [D iamdoc:reference_policies_condition-keys], and KMS's {@code kms:ViaService} and
 * {@code kms:GrantIsForAWSResource} for the principals configured as integrated services
 * [D kdg:conditions-kms#conditions-kms-via-service, #conditions-kms-grant-is-for-aws-resource].
 *
 * <p>An integrated service in AWS calls KMS with its own credentials on behalf of a user (forward access
 * sessions); Trent cannot tell on whose behalf a request is made, so the configured service principal is
 * the caller and its requests are the ones "via" the service. Policies in AWS's documented form
 * ({@code "Principal": {"AWS": "*"}} with {@code kms:CallerAccount} and {@code kms:ViaService}) mean the same.
 */
public final class CallerConditionKeys {
  /** The operations that set {@code kms:GrantIsForAWSResource} [D kdg:conditions-kms]. */
  private static final Set<String> GRANT_ACTIONS = Set.of("kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant");
  /** Without integrated services, over plain HTTP, on the system clock: what tests of other keys need. */
  public static final CallerConditionKeys NONE = new CallerConditionKeys(List.of(), false, Clock.systemUTC());

  private final Map<String, ServiceIntegration> services;
  private final String secureTransport;
  private final Clock clock;

  /**
   * @param services the principals declared as integrated services ({@code auth.services})
   * @param tls whether the server serves HTTPS only ({@code tls.enabled}): then every request came over TLS
   * @param clock for {@code aws:CurrentTime} and {@code aws:EpochTime}
   */
  public CallerConditionKeys(List<ServiceIntegration> services, boolean tls, Clock clock) {
    this.services = services.stream().collect(Collectors.toUnmodifiableMap(ServiceIntegration::principal,
        Function.identity()));
    this.secureTransport = Boolean.toString(tls);
    this.clock = clock;
  }

  /**
   * Adds the keys to a request's context.
   *
   * @param principal the stored principal that signed the request, or null (the account root in dev mode)
   * @param action the IAM action
   * @param onKey whether the action is authorized on a key (kms:ViaService is set only for those
   *     [D kdg:conditions-kms "KMS key resource operations"])
   */
  void addTo(RequestContext.Builder b, Caller caller, Principal principal, String action, boolean onKey) {
    String arn = caller.principalArn();
    ServiceIntegration service = services.get(arn);
    b.key("aws:SecureTransport", secureTransport)
        .key("aws:ViaAWSService", Boolean.toString(service != null))
        .lazyKey("aws:CurrentTime", () -> clock.instant().truncatedTo(ChronoUnit.SECONDS).toString())
        .lazyKey("aws:EpochTime", () -> Long.toString(clock.instant().getEpochSecond()));
    if (service != null && onKey) {
      b.key("kms:ViaService", service.viaService(caller.region()));
    }
    if (GRANT_ACTIONS.contains(action)) {
      b.key("kms:GrantIsForAWSResource", Boolean.toString(service != null));
    }
    // aws:PrincipalType and aws:userid as AWS sets them for the root, an IAM user and an assumed role
    // [D iamdoc:reference_policies_variables#principaltable]; Trent's role credentials are a session of the
    // role whose name is its access key id.
    if (arn.endsWith(":root")) {
      b.key("aws:PrincipalType", "Account").key("aws:userid", caller.accountId());
    } else if (arn.contains(":user/")) {
      b.key("aws:PrincipalType", "User").key("aws:username", arn.substring(arn.lastIndexOf('/') + 1));
      if (principal != null) {
        b.key("aws:userid", principal.uniqueId());
      }
    } else if (arn.contains(":role/")) {
      b.key("aws:PrincipalType", "AssumedRole");
      if (principal != null) {
        b.key("aws:userid", principal.uniqueId() + ":" + caller.accessKeyId());
      }
    }
    if (principal != null) {
      principal.tags().values().forEach(b::principalTag);
    }
  }
}
