package io.trent.core.catalog;

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

  public KeyResolver(KeyCatalog catalog, ServiceIdentity identity) {
    this.catalog = catalog;
    this.identity = identity;
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
