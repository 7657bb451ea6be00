package io.trent.core.testing;

import io.trent.core.error.InvalidMarkerException;
import io.trent.core.key.Alias;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A MetadataStore in memory, for core unit tests. */
public final class InMemoryMetadataStore implements MetadataStore {
  private final Map<String, KmsKey> keys = new LinkedHashMap<>();
  private final TreeMap<String, Alias> aliases = new TreeMap<>();

  @Override
  public synchronized void insertKey(KmsKey key) {
    keys.put(key.keyId(), key);
  }

  @Override
  public synchronized void updateKey(KmsKey key) {
    keys.put(key.keyId(), key);
  }

  @Override
  public synchronized Optional<KmsKey> findKey(String keyId) {
    return Optional.ofNullable(keys.get(keyId));
  }

  @Override
  public synchronized Page<KmsKey> listKeys(int limit, String marker) {
    List<KmsKey> all = new ArrayList<>(keys.values());
    int start = marker == null ? 0 : parse(marker);
    int end = Math.min(all.size(), start + limit);
    return new Page<>(all.subList(start, end), end < all.size() ? String.valueOf(end) : null);
  }

  @Override
  public synchronized boolean insertAlias(Alias alias) {
    return aliases.putIfAbsent(alias.name(), alias) == null;
  }

  @Override
  public synchronized boolean updateAlias(Alias alias) {
    return aliases.replace(alias.name(), alias) != null;
  }

  @Override
  public synchronized boolean deleteAlias(String aliasName) {
    return aliases.remove(aliasName) != null;
  }

  @Override
  public synchronized Optional<Alias> findAlias(String aliasName) {
    return Optional.ofNullable(aliases.get(aliasName));
  }

  @Override
  public synchronized Page<Alias> listAliases(String targetKeyId, int limit, String marker) {
    List<Alias> all = aliases.values().stream()
        .filter(a -> targetKeyId == null || a.targetKeyId().equals(targetKeyId)).toList();
    int start = marker == null ? 0 : parse(marker);
    int end = Math.min(all.size(), start + limit);
    return new Page<>(all.subList(start, end), end < all.size() ? String.valueOf(end) : null);
  }

  @Override
  public void close() {}

  private static int parse(String marker) {
    try {
      return Integer.parseInt(marker);
    } catch (NumberFormatException e) {
      throw new InvalidMarkerException("Invalid marker");
    }
  }
}
