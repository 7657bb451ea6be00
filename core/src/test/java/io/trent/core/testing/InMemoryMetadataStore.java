package io.trent.core.testing;

import io.trent.core.auth.AccessKey;
import io.trent.core.auth.Principal;
import io.trent.core.error.InvalidMarkerException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.key.AccountRegion;
import io.trent.core.grant.KmsGrant;
import io.trent.core.key.Alias;
import io.trent.core.key.ImportToken;
import io.trent.core.key.KeyDestruction;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import java.time.Instant;
import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.Page;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A MetadataStore in memory, for core unit tests. It keeps the SPI contract as the databases do
 * ({@code MetadataStoreContract}): markers name the last item shown (a key's or grant's creation number, an
 * alias's name), so deleting items between two pages moves nothing along, and a marker of another listing is
 * refused.
 */
public final class InMemoryMetadataStore implements MetadataStore {
  private static final String KEYS = "k:";
  private static final String ALIASES = "a:";
  private static final String GRANTS = "g:";

  private final Map<String, KmsKey> keys = new LinkedHashMap<>();
  /** Creation numbers of the stored keys (by id) and grants, which key and grant markers carry. */
  private final Map<String, Long> keySeqs = new HashMap<>();
  private final Map<KmsGrant, Long> grantSeqs = new HashMap<>();
  private long nextSeq = 1;
  /** By alias ARN, so one account and region's aliases sort by name. */
  private final TreeMap<String, Alias> aliases = new TreeMap<>();
  private final List<KeyDestruction> destructions = new ArrayList<>();
  private final Map<String, ImportToken> importTokens = new LinkedHashMap<>();
  private final Set<String> retiredTokens = new HashSet<>();
  private final Set<String> beingDestroyed = new HashSet<>();
  private final Map<String, Principal> principals = new LinkedHashMap<>();
  private final Map<String, AccessKey> accessKeys = new LinkedHashMap<>();
  private final List<KmsGrant> grants = new ArrayList<>();
  private Runnable afterMaintenanceQuery;

  @Override
  public synchronized void insertKey(KmsKey key) {
    // Key ids are unique across accounts and regions (the databases' primary key).
    if (keys.containsKey(key.keyId())) {
      throw new KmsInternalException("Metadata store failure");
    }
    keys.put(key.keyId(), key);
    keySeqs.put(key.keyId(), nextSeq++);
  }

  @Override
  public synchronized boolean updateKey(KmsKey key) {
    KmsKey stored = keys.get(key.keyId());
    if (stored == null || beingDestroyed.contains(key.keyId())) {
      return false;
    }
    // As the SPI says: the id, creation time, spec, usage, origin and public key never change.
    keys.put(key.keyId(), stored.withDescription(key.description())
        .withState(key.state(), key.deletionDate(), key.pendingWindowDays())
        .withMaterials(key.materials())
        .withTags(key.tags())
        .withRotation(key.rotationPeriodDays(), key.nextRotationDate())
        .withOnDemandRotations(key.onDemandRotations())
        .withImport(key.expirationModel(), key.validTo())
        .withImportCheck(key.importCheck())
        .withImportedEncryptionsReserved(key.importedEncryptionsReserved())
        .withPolicy(key.policy()));
    return true;
  }

  @Override
  public synchronized Optional<KmsKey> updateKey(String keyId, UnaryOperator<KmsKey> change) {
    KmsKey current = keys.get(keyId);
    if (current == null || beingDestroyed.contains(keyId)) {
      return Optional.empty();
    }
    KmsKey updated = change.apply(current);
    if (updated != current) {
      updateKey(updated);
    }
    return Optional.of(updated);
  }

  @Override
  public synchronized Optional<KmsKey> beginDestruction(String keyId, Instant now) {
    KmsKey key = keys.get(keyId);
    boolean due = key != null && key.state() == KeyState.PendingDeletion
        && (beingDestroyed.contains(keyId) || !key.deletionDate().isAfter(now));
    if (!due) {
      return Optional.empty();
    }
    beingDestroyed.add(keyId);
    return Optional.of(key);
  }

  /**
   * Runs {@code action} once, right after the next maintenance query has read its keys: a test's way
   * to change a key between that read and the work maintenance does on it.
   */
  public synchronized void afterNextMaintenanceQuery(Runnable action) {
    afterMaintenanceQuery = action;
  }

  @Override
  public synchronized Optional<KmsKey> findKey(String keyId) {
    return Optional.ofNullable(keys.get(keyId));
  }

  @Override
  public synchronized Page<KmsKey> listKeys(AccountRegion home, int limit, String marker) {
    long after = marker == null ? 0 : seq(marker, KEYS);
    return page(keys.values().stream().filter(k -> home == null || k.home().equals(home))
        .filter(k -> keySeqs.get(k.keyId()) > after).toList(), limit, k -> KEYS + keySeqs.get(k.keyId()));
  }

  @Override
  public synchronized boolean insertAlias(Alias alias) {
    requireKey(alias.targetKeyId());
    return aliases.putIfAbsent(alias.arn().value(), alias) == null;
  }

  @Override
  public synchronized boolean updateAlias(Alias alias) {
    Alias stored = aliases.get(alias.arn().value());
    if (stored == null) {
      return false;
    }
    requireKey(alias.targetKeyId());
    // Only the target and the update time change; the creation time stays.
    aliases.put(alias.arn().value(),
        new Alias(alias.home(), alias.name(), alias.targetKeyId(), stored.createdAt(), alias.lastUpdatedAt()));
    return true;
  }

  @Override
  public synchronized boolean deleteAlias(AccountRegion home, String aliasName) {
    return aliases.remove(home.aliasArn(aliasName).value()) != null;
  }

  @Override
  public synchronized Optional<Alias> findAlias(AccountRegion home, String aliasName) {
    return Optional.ofNullable(aliases.get(home.aliasArn(aliasName).value()));
  }

  @Override
  public synchronized Page<Alias> listAliases(AccountRegion home, String targetKeyId, int limit, String marker) {
    String after = marker == null ? "" : payload(marker, ALIASES);
    if (marker != null && after.isEmpty()) {
      throw new InvalidMarkerException("Invalid marker");
    }
    // Names compare as the databases compare them here: alias names are ASCII.
    return page(aliases.values().stream().filter(a -> a.home().equals(home))
        .filter(a -> targetKeyId == null || a.targetKeyId().equals(targetKeyId))
        .filter(a -> a.name().compareTo(after) > 0).toList(), limit, a -> ALIASES + a.name());
  }

  @Override
  public List<KmsKey> findKeysWithMaintenanceDue(Instant now) {
    List<KmsKey> due;
    Runnable action;
    synchronized (this) {
      due = keys.values().stream().filter(k ->
          (k.state() == KeyState.PendingDeletion && !k.deletionDate().isAfter(now))
              || (k.nextRotationDate() != null && !k.nextRotationDate().isAfter(now))
              || (k.validTo() != null && !k.validTo().isAfter(now))).toList();
      action = afterMaintenanceQuery;
      afterMaintenanceQuery = null;
    }
    if (action != null) {
      action.run();
    }
    return due;
  }

  @Override
  public synchronized void deleteKey(String keyId, Instant destroyedAt) {
    beingDestroyed.remove(keyId);
    KmsKey key = keys.remove(keyId);
    keySeqs.remove(keyId);
    if (key != null) {
      key.materials().forEach(m -> destructions.add(new KeyDestruction(keyId, m.id(), destroyedAt, "KEY_DELETED")));
      aliases.values().removeIf(a -> a.targetKeyId().equals(keyId));
      importTokens.values().removeIf(t -> t.keyId().equals(keyId));
      grants.removeIf(g -> g.keyId().equals(keyId));
      grantSeqs.keySet().removeIf(g -> g.keyId().equals(keyId));
    }
  }

  @Override
  public synchronized void recordDestruction(KeyDestruction destruction) {
    destructions.add(destruction);
  }

  @Override
  public synchronized List<KeyDestruction> listDestructions(String keyId) {
    return destructions.stream().filter(d -> d.keyId().equals(keyId)).toList();
  }

  @Override
  public synchronized void insertImportToken(ImportToken token) {
    if (!keys.containsKey(token.keyId()) || importTokens.containsKey(token.tokenId())) {
      throw new KmsInternalException("Metadata store failure");
    }
    importTokens.put(token.tokenId(), token);
  }

  @Override
  public synchronized Optional<ImportToken> findImportToken(String tokenId) {
    return Optional.ofNullable(importTokens.get(tokenId));
  }

  @Override
  public synchronized void deleteImportToken(String tokenId) {
    importTokens.remove(tokenId);
    retiredTokens.remove(tokenId);
  }

  @Override
  public synchronized void retireImportToken(String tokenId) {
    if (importTokens.containsKey(tokenId)) {
      retiredTokens.add(tokenId);
    }
  }

  @Override
  public synchronized List<ImportToken> findExpiredImportTokens(Instant now) {
    return importTokens.values().stream()
        .filter(t -> !t.validTo().isAfter(now) && !retiredTokens.contains(t.tokenId()))
        .sorted(Comparator.comparing(ImportToken::validTo).thenComparing(ImportToken::tokenId))
        .toList();
  }

  // --- Orphan sweep and key deletion ---

  @Override
  public synchronized List<ImportToken> findImportTokensOfKey(String keyId) {
    return importTokens.values().stream().filter(t -> t.keyId().equals(keyId)).toList();
  }

  @Override
  public synchronized void putPrincipal(Principal principal) {
    Principal stored = principals.get(principal.arn().value());
    principals.put(principal.arn().value(), stored == null ? principal
        : new Principal(stored.arn(), principal.policy() != null ? principal.policy() : stored.policy(),
            stored.createdAt(), principal.tags().isEmpty() ? stored.tags() : principal.tags()));
  }

  @Override
  public synchronized Optional<Principal> findPrincipal(String arn) {
    return Optional.ofNullable(principals.get(arn));
  }

  @Override
  public synchronized boolean deletePrincipal(String arn) {
    accessKeys.values().removeIf(key -> key.principalArn().value().equals(arn));
    return principals.remove(arn) != null;
  }

  @Override
  public synchronized void insertAccessKey(AccessKey key) {
    if (!principals.containsKey(key.principalArn().value()) || accessKeys.containsKey(key.accessKeyId())) {
      throw new KmsInternalException("Metadata store failure");
    }
    accessKeys.put(key.accessKeyId(), key);
  }

  @Override
  public synchronized List<AccessKey> listAccessKeys() {
    return List.copyOf(accessKeys.values());
  }

  // --- Grants ---

  @Override
  public synchronized boolean insertGrant(KmsGrant grant, int maxGrantsPerKey) {
    if (!keys.containsKey(grant.keyId()) || grants.stream().anyMatch(g -> g.grantId().equals(grant.grantId()))) {
      throw new KmsInternalException("Metadata store failure");
    }
    if (listGrantsOfKey(grant.keyId()).size() >= maxGrantsPerKey) {
      return false;
    }
    grants.add(grant);
    grantSeqs.put(grant, nextSeq++);
    return true;
  }

  @Override
  public synchronized Optional<KmsGrant> findGrant(String keyId, String grantId) {
    return grants.stream().filter(g -> g.keyId().equals(keyId) && g.grantId().equals(grantId)).findFirst();
  }

  @Override
  public synchronized List<KmsGrant> listGrantsOfKey(String keyId) {
    return grants.stream().filter(g -> g.keyId().equals(keyId)).toList();
  }

  @Override
  public synchronized Page<KmsGrant> listGrants(String keyId, String grantId, String granteePrincipal, int limit,
      String marker) {
    long after = marker == null ? 0 : seq(marker, GRANTS);
    return page(grants.stream().filter(g -> g.keyId().equals(keyId)
        && (grantId == null || g.grantId().equals(grantId))
        && (granteePrincipal == null || g.granteePrincipal().equals(granteePrincipal))
        && grantSeqs.get(g) > after).toList(), limit, g -> GRANTS + grantSeqs.get(g));
  }

  @Override
  public synchronized Page<KmsGrant> listRetirableGrants(String retiringPrincipal, int limit, String marker) {
    long after = marker == null ? 0 : seq(marker, GRANTS);
    return page(grants.stream().filter(g -> retiringPrincipal.equals(g.retiringPrincipal()) && grantSeqs.get(g) > after)
        .toList(), limit, g -> GRANTS + grantSeqs.get(g));
  }

  @Override
  public synchronized boolean deleteGrant(String keyId, String grantId) {
    grantSeqs.keySet().removeIf(g -> g.keyId().equals(keyId) && g.grantId().equals(grantId));
    return grants.removeIf(g -> g.keyId().equals(keyId) && g.grantId().equals(grantId));
  }

  /** The first {@code limit} items after the marker; a marker naming the last one when more follow. */
  private static <T> Page<T> page(List<T> after, int limit, Function<T, String> markerOf) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    if (after.size() <= limit) {
      return new Page<>(after, null);
    }
    List<T> items = after.subList(0, limit);
    return new Page<>(items, markerOf.apply(items.get(limit - 1)));
  }

  private void requireKey(String keyId) {
    // The databases' foreign key: an alias points at a stored key.
    if (!keys.containsKey(keyId)) {
      throw new KmsInternalException("Metadata store failure");
    }
  }

  /** A claim: who holds the work and until when. */
  private record Claim(String owner, Instant until) {}

  private final Map<String, Claim> claims = new HashMap<>();

  @Override
  public synchronized boolean claimWork(String work, String owner, Instant now, Instant until) {
    Claim held = claims.get(work);
    if (held != null && !held.owner().equals(owner) && held.until().isAfter(now)) {
      return false;
    }
    claims.put(work, new Claim(owner, until));
    return true;
  }

  @Override
  public synchronized void releaseWork(String work, String owner) {
    Claim held = claims.get(work);
    if (held != null && held.owner().equals(owner)) {
      claims.remove(work);
    }
  }

  /** Memory is always there. */
  @Override
  public void checkAvailable() {}

  @Override
  public void close() {}

  private static String payload(String marker, String listing) {
    if (!marker.startsWith(listing)) {
      throw new InvalidMarkerException("Invalid marker");
    }
    return marker.substring(listing.length());
  }

  /** The creation number in a marker this store issued for that listing, written as it writes them. */
  private static long seq(String marker, String listing) {
    String seq = payload(marker, listing);
    if (!seq.matches("[1-9][0-9]{0,17}")) {
      throw new InvalidMarkerException("Invalid marker");
    }
    return Long.parseLong(seq);
  }
}
