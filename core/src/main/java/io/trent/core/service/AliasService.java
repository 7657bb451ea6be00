package io.trent.core.service;

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
import io.trent.core.key.ServiceIdentity;
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
  private final ServiceIdentity identity;
  private final Clock clock;

  AliasService(KeyCatalog catalog, KeyResolver resolver, ServiceIdentity identity, Clock clock) {
    this.catalog = catalog;
    this.resolver = resolver;
    this.identity = identity;
    this.clock = clock;
  }

  public void createAlias(String aliasName, String targetKeyId) {
    validate(aliasName, targetKeyId, true);
    KmsKey target = targetOf(targetKeyId);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    if (!catalog.insertAlias(new Alias(aliasName, target.keyId(), now, now))) {
      throw new AlreadyExistsException("An alias with the name " + identity.aliasArn(aliasName) + " already exists");
    }
  }

  public void updateAlias(String aliasName, String targetKeyId) {
    validate(aliasName, targetKeyId, true);
    Alias alias = resolver.alias(aliasName);
    KmsKey target = targetOf(targetKeyId);
    KmsKey current = catalog.findKey(alias.targetKeyId()).orElse(null);
    if (current != null && (current.keySpec() != target.keySpec() || current.keyUsage() != target.keyUsage())) {
      throw new ValidationException("Alias " + identity.aliasArn(aliasName) + " cannot be changed to a key of a different "
          + "type or key usage: " + identity.keyArn(target.keyId()));
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    if (!catalog.updateAlias(new Alias(aliasName, target.keyId(), alias.createdAt(), now))) {
      throw new NotFoundException("Alias " + identity.aliasArn(aliasName) + " is not found.");
    }
  }

  public void deleteAlias(String aliasName) {
    validate(aliasName, null, false);
    if (!catalog.deleteAlias(aliasName)) {
      throw new NotFoundException("Alias " + identity.aliasArn(aliasName) + " is not found.");
    }
  }

  /** Aliases in name order; with a KeyId, only that key's. */
  public Page<Alias> listAliases(String keyId, Integer limit, String marker) {
    ShapeValidator.create()
        .keyId("keyId", keyId, false)
        .range("limit", limit, 1, 100)
        .marker("marker", marker)
        .validate();
    String targetKeyId = keyId == null ? null : resolver.resolve(keyId, false).keyId();
    return catalog.listAliases(targetKeyId, limit == null ? 50 : limit, marker);
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

  private KmsKey targetOf(String targetKeyId) {
    KmsKey target = resolver.resolve(targetKeyId, false);
    if (target.state() == KeyState.PendingDeletion) {
      throw new KmsInvalidStateException(identity.keyArn(target.keyId()) + " is pending deletion.");
    }
    return target;
  }
}
