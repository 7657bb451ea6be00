package io.trent.core.spi;

import io.trent.core.auth.AccessKey;
import io.trent.core.auth.Principal;
import io.trent.core.key.AccountRegion;
import io.trent.core.grant.KmsGrant;
import io.trent.core.key.Alias;
import io.trent.core.key.ImportToken;
import io.trent.core.key.KeyDestruction;
import io.trent.core.key.KmsKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Durable storage of key metadata and aliases (never key material).
 *
 * <p>Paging markers are opaque strings the store issues; an unknown marker raises
 * {@link io.trent.core.error.InvalidMarkerException}. Keys list in creation order, aliases in name
 * order; a marker names the last item of its page, so items deleted between two pages move nothing along.
 * Keys and aliases belong to an account and region ({@link AccountRegion}): key ids are unique
 * across the store, alias names only within one account and region, and listings show one account and
 * region. Implementations are thread-safe and every write is durable when the method returns.
 * Instants are kept to the microsecond at least (finer digits may be truncated, never rounded up).
 *
 * <p>When the database cannot be reached or does not answer within the store's bound, every method
 * throws {@link MetadataUnavailableException} (retryable), never blocks without end. One SPI
 * contract test suite ({@code MetadataStoreContract} in core's test jar) runs against every
 * implementation.
 */
public interface MetadataStore extends AutoCloseable {

  /**
   * Stores a new key with its materials and tags, and its account and region (its ARN's). The key id must be
   * new in every account and region (else KMSInternalException).
   */
  void insertKey(KmsKey key);

  /**
   * Replaces a stored key's mutable fields, materials and tags.
   *
   * @return false, changing nothing, when no such key is stored or its destruction has begun
   *     ({@link #beginDestruction}): a key being destroyed can no longer change, so a
   *     CancelKeyDeletion that read the key before cannot succeed after it
   */
  boolean updateKey(KmsKey key);

  /**
   * Applies {@code change} to the key as stored and stores the result, atomically across every store of the
   * database: the key is read under its row lock in the transaction that writes, so of two nodes changing one key
   * at once the second changes what the first stored (nothing is lost). {@code change} may throw (nothing is
   * stored) or return its argument (nothing is written); it must not call the store.
   *
   * @return the key as stored after the change; empty, changing nothing, when no such key is stored or its
   *     destruction has begun ({@link #beginDestruction})
   */
  Optional<KmsKey> updateKey(String keyId, UnaryOperator<KmsKey> change);

  /** The key with this id, whatever its account and region (key ids are unique). */
  Optional<KmsKey> findKey(String keyId);

  /**
   * The keys of one account and region in creation order; with {@code home} null, every key (for
   * maintenance that must see them all, such as reconciliation).
   */
  Page<KmsKey> listKeys(AccountRegion home, int limit, String marker);

  /**
   * Stores a new alias; its target key must be stored (else KMSInternalException).
   *
   * @return false when an alias of that name already exists in its account and region
   */
  boolean insertAlias(Alias alias);

  /**
   * Replaces an alias's target and update time; false when it does not exist. The new target must be stored
   * (else KMSInternalException).
   */
  boolean updateAlias(Alias alias);

  /** Deletes an alias of an account and region; false when it did not exist. */
  boolean deleteAlias(AccountRegion home, String aliasName);

  /** The alias of that name in an account and region. */
  Optional<Alias> findAlias(AccountRegion home, String aliasName);

  /**
   * The aliases of one account and region in name order, all of them or only those of
   * {@code targetKeyId} when not null.
   */
  Page<Alias> listAliases(AccountRegion home, String targetKeyId, int limit, String marker);

  /**
   * Keys with work due at or before {@code now}: PendingDeletion with a DeletionDate reached, an
   * automatic rotation date reached, or imported material whose ValidTo has passed.
   */
  List<KmsKey> findKeysWithMaintenanceDue(Instant now);

  /**
   * Commits to destroying a key, in one transaction that re-checks it: only a key still
   * PendingDeletion with a deletion date at or before {@code now} (or one whose destruction has
   * already begun, so an interrupted destruction resumes) is marked, and from then on
   * {@link #updateKey} refuses it. The caller destroys the key's HSM objects only after this
   * returned the key, then calls {@link #deleteKey}.
   *
   * @return the key as marked, with every material whose HSM objects are to be destroyed; empty
   *     when the key is not stored or not due (for example, its deletion was cancelled)
   */
  Optional<KmsKey> beginDestruction(String keyId, Instant now);

  /**
   * Deletes a key with its materials, tags, aliases, import tokens and grants, and records the destruction of each of its
   * materials (reason KEY_DELETED), in one transaction. Called after {@link #beginDestruction} and
   * the destruction of the key's HSM objects.
   */
  void deleteKey(String keyId, Instant destroyedAt);

  /** Records that key material was destroyed while its key lives on (imported material deleted or expired). */
  void recordDestruction(KeyDestruction destruction);

  /** The destruction records of a key, oldest first; they outlive the key. */
  List<KeyDestruction> listDestructions(String keyId);

  /** Stores import parameters; the key must exist and the token id must be new (else KMSInternalException). */
  void insertImportToken(ImportToken token);

  Optional<ImportToken> findImportToken(String tokenId);

  void deleteImportToken(String tokenId);

  /**
   * Marks an expired token's wrapping key as destroyed: the token stays findable (so a late import
   * is told the token expired) but is no longer among {@link #findExpiredImportTokens}. An absent
   * token is a no-op.
   */
  void retireImportToken(String tokenId);

  /** Import tokens whose validity ended at or before {@code now}, except retired ones. */
  List<ImportToken> findExpiredImportTokens(Instant now);

  // --- Reconciliation and key deletion -----------------------------------------------------------

  /**
   * Every import token of a key, retired or not, in no particular order; none for an unknown key.
   * Deleting a key deletes its tokens, so their wrapping keys must be destroyed first.
   */
  List<ImportToken> findImportTokensOfKey(String keyId);

  // --- Principals and access keys -------------------------------------------------------------

  /**
   * Stores a principal, or, when one with the same ARN is stored, replaces its identity policy
   * (when the given one is not null) and its tags (when the given ones are not empty), and keeps its
   * creation time.
   */
  void putPrincipal(Principal principal);

  /** The principal with this ARN, exactly as written, with its tags. */
  Optional<Principal> findPrincipal(String arn);

  /**
   * Deletes a principal and every access key it holds.
   *
   * @return false when no such principal was stored
   */
  boolean deletePrincipal(String arn);

  /**
   * Stores a new access key. Its principal must be stored and its id unused (else
   * KMSInternalException).
   */
  void insertAccessKey(AccessKey key);

  /**
   * Every stored access key, of every principal: few enough to read whole, which is how a server
   * notices keys added or removed by another process (see {@code CredentialCache}).
   */
  List<AccessKey> listAccessKeys();

  // --- Grants ------------------------------------------------------------------------------------

  /**
   * Stores a new grant unless its key already has {@code maxGrantsPerKey} grants; the count and the insert are
   * atomic with respect to other inserts of the key's grants, on every node sharing the store. The key must be
   * stored and the grant id new (else KMSInternalException).
   *
   * @return false, storing nothing, when the key has {@code maxGrantsPerKey} grants
   */
  boolean insertGrant(KmsGrant grant, int maxGrantsPerKey);

  /** The grant of this key with this id. */
  Optional<KmsGrant> findGrant(String keyId, String grantId);

  /** Every grant of a key, in creation order (read whole into the in-memory grant cache). */
  List<KmsGrant> listGrantsOfKey(String keyId);

  /**
   * A key's grants in creation order, for ListGrants.
   *
   * @param grantId only this grant, when not null
   * @param granteePrincipal only grants for exactly this grantee, when not null
   */
  Page<KmsGrant> listGrants(String keyId, String grantId, String granteePrincipal, int limit, String marker);

  /** Grants of any key whose retiring principal is exactly this one, in creation order (ListRetirableGrants). */
  Page<KmsGrant> listRetirableGrants(String retiringPrincipal, int limit, String marker);

  /**
   * Deletes a grant (RetireGrant, RevokeGrant).
   *
   * @return false when the key has no such grant
   */
  boolean deleteGrant(String keyId, String grantId);

  // --- Several nodes ------------------------------------------------------------------------------

  /**
   * Claims a piece of scheduled work (destroying, rotating or expiring one key; cleaning up one import token) for
   * {@code owner} until {@code until}, so that of several nodes sharing the database only one does it: the claim
   * succeeds when the work is unclaimed, already {@code owner}'s, or its previous claim lapsed at or before
   * {@code now} (its node died). Atomic across every store of the database.
   *
   * @param work names the work, e.g. {@code key:<keyId>}
   * @return true when {@code owner} now holds the claim
   */
  boolean claimWork(String work, String owner, Instant now, Instant until);

  /** Gives up {@code owner}'s claim on the work; a claim held by another owner, or none, is left as it is. */
  void releaseWork(String work, String owner);

  /**
   * Tells {@code listener} of every change committed to the database through any store, from the time this returns
   * until the returned handle is closed. A store on a database that only this process writes (the embedded H2
   * file, an in-memory store) has no other writer to hear from and may tell nothing. A store shared by several
   * nodes (PostgreSQL) tells every change it commits, its own included, and calls {@link ChangeListener#interrupted}
   * whenever it cannot, within its stated bound (see docs/deployment.md).
   */
  default AutoCloseable changes(ChangeListener listener) {
    return () -> { };
  }

  /**
   * Returns once the database answered a trivial query, within the store's bound ({@code GET /health}).
   *
   * @throws MetadataUnavailableException when it did not
   */
  void checkAvailable();

  @Override
  void close();
}
