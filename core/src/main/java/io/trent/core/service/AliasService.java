package io.trent.core.service;

import io.trent.core.auth.RequestScope;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.error.AccessDeniedException;
import io.trent.core.error.AlreadyExistsException;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.error.NotFoundException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.Alias;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.Page;
import io.trent.core.validation.ShapeValidator;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** CreateAlias, UpdateAlias, DeleteAlias and ListAliases. */
public final class AliasService {
  private static final Pattern ALIAS_NAME = Pattern.compile("^[a-zA-Z0-9:/_-]+$");
  private static final String PREFIX_MESSAGE =
      "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html";

  private final KeyCatalog catalog;
  private final KeyResolver resolver;
  private final Clock clock;

  AliasService(KeyCatalog catalog, KeyResolver resolver, Clock clock) {
    this.catalog = catalog;
    this.resolver = resolver;
    this.clock = clock;
  }

  /**
   * CreateAlias: needs kms:CreateAlias on the alias (identity policies) and on the key (its key policy)
   * [D kdg:alias-access]; the alias belongs to the caller's account and the request's region.
   */
  public void createAlias(RequestScope scope, String aliasName, String targetKeyId) {
    validate(aliasName, targetKeyId, true);
    KmsKey target = targetOf(scope, targetKeyId);
    resolver.authorizeAlias(scope, aliasName);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Alias alias = new Alias(scope.caller().home(), aliasName, target.keyId(), now, now);
    if (!catalog.insertAlias(alias)) {
      throw new AlreadyExistsException("An alias with the name " + alias.arn() + " already exists");
    }
  }

  /** UpdateAlias: needs kms:UpdateAlias on the alias, the key it leaves and the key it gets [D kdg:alias-access]. */
  public void updateAlias(RequestScope scope, String aliasName, String targetKeyId) {
    validate(aliasName, targetKeyId, true);
    Alias alias = resolver.alias(scope, aliasName);
    resolver.authorizeAlias(scope, alias);
    KmsKey current = catalog.findKey(alias.targetKeyId()).orElse(null);
    if (current != null) {
      resolver.authorize(scope, current, null);
    }
    KmsKey target = targetOf(scope, targetKeyId);
    if (current != null && (current.keySpec() != target.keySpec() || current.keyUsage() != target.keyUsage())) {
      throw new ValidationException("Alias " + alias.arn() + " cannot be changed to a key of a different "
          + "type or key usage: " + target.arn());
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    if (!catalog.updateAlias(new Alias(alias.home(), aliasName, target.keyId(), alias.createdAt(), now))) {
      throw new NotFoundException("Alias " + alias.arn() + " is not found.");
    }
  }

  /** DeleteAlias: needs kms:DeleteAlias on the alias and on the key it names [D kdg:alias-access]. */
  public void deleteAlias(RequestScope scope, String aliasName) {
    validate(aliasName, null, false);
    Alias alias = resolver.alias(scope, aliasName);
    resolver.authorizeAlias(scope, alias);
    catalog.findKey(alias.targetKeyId()).ifPresent(key -> resolver.authorize(scope, key, null));
    if (!catalog.deleteAlias(alias.home(), aliasName)) {
      throw new NotFoundException("Alias " + alias.arn() + " is not found.");
    }
  }

  /** Aliases of the caller's account and the request's region in name order; with a KeyId, only that key's. */
  public Page<Alias> listAliases(RequestScope scope, String keyId, Integer limit, String marker) {
    ShapeValidator.create()
        .keyId("keyId", keyId, false)
        .range("limit", limit, 1, 100)
        .marker("marker", marker)
        .validate();
    // Account-level: IAM policies alone decide [D kdg:key-policy-default]; an account sees only its aliases.
    resolver.authorizeAccount(scope);
    String targetKeyId = keyId == null ? null : resolver.locate(scope, keyId, false).keyId();
    return catalog.listAliases(scope.caller().home(), targetKeyId, limit == null ? 50 : limit, marker);
  }

  private void validate(String aliasName, String targetKeyId, boolean needsTarget) {
    ShapeValidator v = ShapeValidator.create()
        .required("aliasName", aliasName)
        .length("aliasName", aliasName, 1, 256)
        .pattern("aliasName", aliasName, ALIAS_NAME);
    if (needsTarget) {
      v.keyId("targetKeyId", targetKeyId, true);
    }
    v.validate();
    if (!aliasName.startsWith("alias/")) {
      throw new ValidationException(PREFIX_MESSAGE);
    }
    if (aliasName.startsWith("alias/aws/")) {
      throw new AccessDeniedException("The alias/aws/ prefix is reserved for AWS managed keys.");
    }
  }

  private KmsKey targetOf(RequestScope scope, String targetKeyId) {
    KmsKey target = resolver.resolve(scope, targetKeyId, false);
    if (target.state() == KeyState.PendingDeletion) {
      throw new KmsInvalidStateException(target.arn() + " is pending deletion.");
    }
    return target;
  }
}
