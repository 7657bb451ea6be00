package io.trent.core.catalog;

import io.trent.core.auth.Authorizer;
import io.trent.core.auth.RequestScope;
import io.trent.core.error.AccessDeniedException;
import io.trent.core.error.InvalidArnException;
import io.trent.core.error.NotFoundException;
import io.trent.core.key.Alias;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import java.util.regex.Pattern;

/**
 * Turns a request's KeyId (key id, key ARN, alias name or alias ARN) into a stored key, with AWS's
 * NotFoundException messages: {@code Invalid keyId 'x'} for a malformed id, {@code Key '<arn>' does
 * not exist} for an unknown one, {@code Invalid arn <region>} for another region's ARN, and
 * {@code Alias <alias arn> is not found.} for an unknown alias.
 */
public final class KeyResolver {
  private static final Pattern KEY_ID = Pattern.compile(
      "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})$");
  private final KeyCatalog catalog;
  private final ServiceIdentity identity;
  private final Authorizer authorizer;

  public KeyResolver(KeyCatalog catalog, ServiceIdentity identity) {
    this(catalog, identity, Authorizer.ALLOW_ALL);
  }

  public KeyResolver(KeyCatalog catalog, ServiceIdentity identity, Authorizer authorizer) {
    this.catalog = catalog;
    this.identity = identity;
    this.authorizer = authorizer;
  }

  /**
   * Resolves a request's key for its caller and authorizes the request on it: unknown keys are
   * NotFoundException first, then AccessDeniedException, and only then may the operation look at key
   * state and usage (AWS's order, aws-auth-policy-audit.md §2.4). A key id or alias name resolves within
   * the caller's account: another account's key is reachable only by ARN.
   */
  public KmsKey resolve(RequestScope scope, String identifier) {
    return authorize(scope, resolveFor(scope, identifier, true), identifier);
  }

  /** As {@link #resolve(RequestScope, String)}, for members that take only a key id or key ARN. */
  public KmsKey resolve(RequestScope scope, String identifier, boolean allowAlias) {
    return authorize(scope, resolveFor(scope, identifier, allowAlias), identifier);
  }

  /**
   * Finds a key as the caller names it (its own account for a key id or alias name) without authorizing
   * anything on it: for ListAliases' KeyId, an IAM-only action whose key is a filter, not a resource.
   */
  public KmsKey locate(RequestScope scope, String identifier, boolean allowAlias) {
    return resolveFor(scope, identifier, allowAlias);
  }

  /** As {@link #resolveKeyOnly(String)}, for the caller, authorized. */
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

  /** Authorizes an account-level action (CreateKey, ListKeys, ListAliases, GenerateRandom). */
  public void authorizeAccount(RequestScope scope) {
    authorizer.authorize(scope, null, null);
  }

  /** A well-formed KMS ARN of this partition and region whose account is not the keys' account. */
  private boolean namesAnotherAccount(String arn, boolean allowAlias) {
    String[] parts = arn.split(":", 6);
    return parts.length == 6 && "kms".equals(parts[2]) && identity.partition().equals(parts[1])
        && identity.region().equals(parts[3]) && !identity.accountId().equals(parts[4])
        && (parts[5].startsWith("key/") && isWellFormedKeyId(parts[5].substring(4))
            || allowAlias && parts[5].startsWith("alias/") && parts[5].length() > "alias/".length());
  }

  /** Whether the caller belongs to the account the keys live in (ListKeys/ListAliases show only its own). */
  public boolean ownAccount(RequestScope scope) {
    return identity.accountId().equals(scope.caller().accountId());
  }

  private KmsKey resolveFor(RequestScope scope, String identifier, boolean allowAlias) {
    if (identifier.startsWith("arn:") && namesAnotherAccount(identifier, allowAlias)) {
      // Every key lives in identity.accountId, so the key does not exist; AWS does not tell a caller whether
      // another account's key exists (reference §2.4, "key in another account/Region or not visible").
      throw new AccessDeniedException("User: " + scope.caller().principalArn() + " is not authorized to perform: "
          + scope.action() + " on this resource because the resource does not exist in this Region, no "
          + "resource-based policies allow access, or a resource-based policy explicitly denies access");
    }
    if (!identifier.startsWith("arn:") && !ownAccount(scope)) {
      // A bare key id or alias name names a key of the caller's own account, which holds none here.
      String account = scope.caller().accountId();
      if (identifier.startsWith("alias/")) {
        if (!allowAlias) {
          throw new NotFoundException("Invalid keyId '" + identifier + "'");
        }
        throw new NotFoundException("Alias arn:" + identity.partition() + ":kms:" + identity.region() + ":" + account
            + ":" + identifier + " is not found.");
      }
      if (!isWellFormedKeyId(identifier)) {
        throw new NotFoundException("Invalid keyId '" + identifier + "'");
      }
      throw new NotFoundException("Key 'arn:" + identity.partition() + ":kms:" + identity.region() + ":" + account
          + ":key/" + identifier + "' does not exist");
    }
    return resolve(identifier, allowAlias);
  }

  /** Resolves any of the four identifier forms. */
  public KmsKey resolve(String identifier) {
    return resolve(identifier, true);
  }

  /**
   * Resolves an identifier.
   *
   * @param allowAlias false for members that take only a key id or key ARN (TargetKeyId)
   */
  public KmsKey resolve(String identifier, boolean allowAlias) {
    if (identifier.startsWith("arn:")) {
      return resolveArn(identifier, allowAlias);
    }
    if (identifier.startsWith("alias/")) {
      if (!allowAlias) {
        throw new NotFoundException("Invalid keyId '" + identifier + "'");
      }
      return resolveAlias(identifier);
    }
    return resolveKeyId(identifier);
  }

  /**
   * Resolves the KeyId of an operation that takes only a key id or key ARN (EnableKey, TagResource,
   * the rotation and import operations, ...): an alias name or alias ARN is refused before any
   * lookup, as AWS does.
   */
  public KmsKey resolveKeyOnly(String identifier) {
    if (identifier.startsWith("alias/") || (identifier.startsWith("arn:") && identifier.contains(":alias/"))) {
      throw new InvalidArnException("Key Aliases are not supported for this operation.");
    }
    return resolve(identifier, false);
  }

  /** The alias, or NotFoundException {@code Alias <arn> is not found.}. */
  public Alias alias(String aliasName) {
    return catalog.findAlias(aliasName).orElseThrow(() -> aliasNotFound(aliasName));
  }

  /** The id a well-formed key identifier names, without requiring the key to exist. */
  public static boolean isWellFormedKeyId(String keyId) {
    return KEY_ID.matcher(keyId).matches();
  }

  private KmsKey resolveKeyId(String keyId) {
    if (!isWellFormedKeyId(keyId)) {
      throw new NotFoundException("Invalid keyId '" + keyId + "'");
    }
    return catalog.findKey(keyId).orElseThrow(
        () -> new NotFoundException("Key '" + identity.keyArn(keyId) + "' does not exist"));
  }

  private KmsKey resolveAlias(String aliasName) {
    Alias alias = alias(aliasName);
    return catalog.findKey(alias.targetKeyId()).orElseThrow(
        () -> new NotFoundException("Key '" + identity.keyArn(alias.targetKeyId()) + "' does not exist"));
  }

  private KmsKey resolveArn(String arn, boolean allowAlias) {
    // arn:partition:kms:region:account:resource
    String[] parts = arn.split(":", 6);
    if (parts.length != 6 || !"kms".equals(parts[2])) {
      throw new NotFoundException("Invalid arn " + arn);
    }
    if (!identity.region().equals(parts[3])) {
      throw new NotFoundException("Invalid arn " + parts[3]);
    }
    String resource = parts[5];
    boolean ours = identity.partition().equals(parts[1]) && identity.accountId().equals(parts[4]);
    if (resource.startsWith("key/")) {
      String keyId = resource.substring(4);
      if (!isWellFormedKeyId(keyId)) {
        throw new NotFoundException("Invalid keyId " + keyId);
      }
      if (!ours) {
        throw new NotFoundException("Key '" + arn + "' does not exist");
      }
      return resolveKeyId(keyId);
    }
    if (resource.startsWith("alias/") && allowAlias) {
      if (!ours) {
        throw new NotFoundException("Alias " + arn + " is not found.");
      }
      return resolveAlias(resource);
    }
    throw new NotFoundException("Invalid arn " + arn);
  }

  private NotFoundException aliasNotFound(String aliasName) {
    return new NotFoundException("Alias " + identity.aliasArn(aliasName) + " is not found.");
  }
}
