package io.trent.core.catalog;

import io.trent.core.auth.Authorizer;
import io.trent.core.auth.RequestScope;
import io.trent.core.error.AccessDeniedException;
import io.trent.core.error.InvalidArnException;
import io.trent.core.error.NotFoundException;
import io.trent.core.key.AccountRegion;
import io.trent.core.key.Alias;
import io.trent.core.key.Arn;
import io.trent.core.key.KmsKey;
import java.util.regex.Pattern;

/**
 * Turns a request's KeyId (key id, key ARN, alias name or alias ARN) into a stored key, for its caller, with
 * AWS's NotFoundException messages: {@code Invalid keyId 'x'} for a malformed id, {@code Key '<arn>' does
 * not exist} for an unknown one, {@code Invalid arn <region>} for another region's ARN, and
 * {@code Alias <alias arn> is not found.} for an unknown alias.
 *
 * <p>A key id or alias name names a key of the caller's account in the request's region; another region's
 * key is not found, and another account's key is reachable only by its key ARN or an alias ARN, and then
 * only when both accounts' policies allow the request (the authorizer's decision, with the key's account as
 * the resource account).
 */
public final class KeyResolver {
  private static final Pattern KEY_ID = Pattern.compile(
      "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})$");
  private final KeyCatalog catalog;
  private final Authorizer authorizer;

  public KeyResolver(KeyCatalog catalog) {
    this(catalog, Authorizer.ALLOW_ALL);
  }

  public KeyResolver(KeyCatalog catalog, Authorizer authorizer) {
    this.catalog = catalog;
    this.authorizer = authorizer;
  }

  /**
   * Resolves a request's key for its caller and authorizes the request on it: unknown keys are
   * NotFoundException first, then AccessDeniedException, and only then may the operation look at key
   * state and usage (AWS's order, aws-auth-policy-audit.md §2.4).
   */
  public KmsKey resolve(RequestScope scope, String identifier) {
    return authorize(scope, resolveFor(scope, identifier, true), identifier);
  }

  /** As {@link #resolve(RequestScope, String)}, for members that take only a key id or key ARN. */
  public KmsKey resolve(RequestScope scope, String identifier, boolean allowAlias) {
    return authorize(scope, resolveFor(scope, identifier, allowAlias), identifier);
  }

  /**
   * Finds a key as the caller names it without authorizing anything on it: for ListAliases' KeyId, an
   * IAM-only action whose key is a filter, not a resource.
   */
  public KmsKey locate(RequestScope scope, String identifier, boolean allowAlias) {
    return resolveFor(scope, identifier, allowAlias);
  }

  /**
   * Resolves the KeyId of an operation that takes only a key id or key ARN (EnableKey, TagResource,
   * the rotation and import operations, ...), authorized: an alias name or alias ARN is refused before
   * any lookup, as AWS does.
   */
  public KmsKey resolveKeyOnly(RequestScope scope, String identifier) {
    if (identifier.startsWith("alias/") || (identifier.startsWith("arn:") && identifier.contains(":alias/"))) {
      throw new InvalidArnException("Key Aliases are not supported for this operation.");
    }
    return resolve(scope, identifier, false);
  }

  /** Authorizes the request on a key found otherwise (Decrypt's ciphertext names its key). */
  public KmsKey authorize(RequestScope scope, KmsKey key, String requestedKeyId) {
    scope.trace().key(key); // before the decision: a denied request's event names the key too
    authorizer.authorize(scope, key, requestedKeyId);
    return key;
  }

  /**
   * Authorizes the request on a key found with {@link #locate}, telling whether a grant allowed it (CreateGrant
   * limits what a grant's CreateGrant permission may create).
   *
   * @return the id of the grant that allowed the request, or null when a policy did
   */
  public String authorizeNamingGrant(RequestScope scope, KmsKey key, String requestedKeyId) {
    return authorizer.authorizeNamingGrant(scope, key, requestedKeyId);
  }

  /** Authorizes an account-level action (CreateKey, ListKeys, ListAliases, GenerateRandom). */
  public void authorizeAccount(RequestScope scope) {
    authorizer.authorize(scope, null, null);
  }

  /** Authorizes the request's action on an alias, by identity policies [D kdg:alias-access]. */
  public void authorizeAlias(RequestScope scope, Alias alias) {
    authorizer.authorizeResource(scope, alias.arn());
  }

  /** As {@link #authorizeAlias(RequestScope, Alias)}, for an alias about to be created. */
  public void authorizeAlias(RequestScope scope, String aliasName) {
    authorizer.authorizeResource(scope, scope.caller().home().aliasArn(aliasName));
  }

  /** The alias of the caller's account and region, or NotFoundException {@code Alias <arn> is not found.}. */
  public Alias alias(RequestScope scope, String aliasName) {
    AccountRegion home = scope.caller().home();
    return catalog.findAlias(home, aliasName).orElseThrow(() -> aliasNotFound(home.aliasArn(aliasName)));
  }

  /** The id a well-formed key identifier names, without requiring the key to exist. */
  public static boolean isWellFormedKeyId(String keyId) {
    return KEY_ID.matcher(keyId).matches();
  }

  private KmsKey resolveFor(RequestScope scope, String identifier, boolean allowAlias) {
    AccountRegion home = scope.caller().home();
    if (identifier.startsWith("arn:")) {
      return resolveArn(scope, home, identifier, allowAlias);
    }
    if (identifier.startsWith("alias/")) {
      if (!allowAlias) {
        throw new NotFoundException("Invalid keyId '" + identifier + "'");
      }
      return keyOf(alias(scope, identifier));
    }
    if (!isWellFormedKeyId(identifier)) {
      throw new NotFoundException("Invalid keyId '" + identifier + "'");
    }
    KmsKey key = catalog.findKey(identifier).orElse(null);
    if (key == null || !belongsTo(key, home)) {
      // Another region's or account's key by id: as if it did not exist, with the ARN built from the
      // caller's account and region [reference aws-kms-behaviour.md, test_get_key_in_different_region].
      throw new NotFoundException("Key '" + home.keyArn(identifier) + "' does not exist");
    }
    return key;
  }

  private KmsKey resolveArn(RequestScope scope, AccountRegion home, String identifier, boolean allowAlias) {
    Arn arn = Arn.parse(identifier);
    if (arn == null) {
      throw new NotFoundException("Invalid arn " + identifier);
    }
    if (!arn.region().equals(home.region())) {
      throw new NotFoundException("Invalid arn " + arn.region());
    }
    boolean own = arn.accountId().equals(home.accountId());
    String resource = arn.resource();
    if (resource.startsWith("key/")) {
      String keyId = resource.substring(4);
      if (!isWellFormedKeyId(keyId)) {
        throw new NotFoundException("Invalid keyId " + keyId);
      }
      KmsKey key = catalog.findKey(keyId).orElse(null);
      if (key != null && key.arn().value().equals(identifier)) {
        return key;
      }
      if (own) {
        throw new NotFoundException("Key '" + identifier + "' does not exist");
      }
      throw notVisible(scope);
    }
    if (resource.startsWith("alias/") && allowAlias) {
      Alias alias = resource.length() > "alias/".length()
          ? catalog.findAlias(arn.home(), resource).orElse(null) : null;
      if (alias != null) {
        return keyOf(alias);
      }
      if (own) {
        throw aliasNotFound(arn);
      }
      throw notVisible(scope);
    }
    throw new NotFoundException("Invalid arn " + identifier);
  }

  private KmsKey keyOf(Alias alias) {
    return catalog.findKey(alias.targetKeyId()).orElseThrow(
        () -> new NotFoundException("Key '" + alias.home().keyArn(alias.targetKeyId()) + "' does not exist"));
  }

  private static boolean belongsTo(KmsKey key, AccountRegion home) {
    Arn arn = key.arn();
    return arn.accountId().equals(home.accountId()) && arn.region().equals(home.region());
  }

  /**
   * Another account's key or alias that does not exist: AWS does not tell a caller whether another
   * account's resource exists (reference aws-auth-policy-audit.md §2.4, "key in another account/Region or
   * not visible").
   */
  private static AccessDeniedException notVisible(RequestScope scope) {
    return new AccessDeniedException("User: " + scope.caller().principalArn() + " is not authorized to perform: "
        + scope.action() + " on this resource because the resource does not exist in this Region, no "
        + "resource-based policies allow access, or a resource-based policy explicitly denies access");
  }

  private static NotFoundException aliasNotFound(Arn aliasArn) {
    return new NotFoundException("Alias " + aliasArn + " is not found.");
  }
}
