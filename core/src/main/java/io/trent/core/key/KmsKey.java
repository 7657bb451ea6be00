package io.trent.core.key;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything Trent stores about a KMS key except its material, which stays in the HSM.
 *
 * @param keyId the UUID key id
 * @param createdAt creation time
 * @param description free text, "" by default
 * @param keySpec the key spec
 * @param keyUsage the key usage
 * @param origin where the material came from
 * @param state the key state
 * @param deletionDate when a PendingDeletion key is destroyed, else null
 * @param pendingWindowDays the deletion window in days, when PendingDeletion, else null
 * @param materials every material generation, oldest first; exactly one is current once the key has material
 * @param tags the resource tags, in insertion order
 */
public record KmsKey(
    String keyId,
    Instant createdAt,
    String description,
    KeySpec keySpec,
    KeyUsage keyUsage,
    Origin origin,
    KeyState state,
    Instant deletionDate,
    Integer pendingWindowDays,
    List<KeyMaterial> materials,
    List<Tag> tags) {

  public KmsKey {
    materials = List.copyOf(materials);
    tags = List.copyOf(tags);
  }

  /** The material new ciphertexts use. */
  public Optional<KeyMaterial> currentMaterial() {
    return materials.stream().filter(KeyMaterial::current).findFirst();
  }

  public Optional<KeyMaterial> material(KeyMaterialId id) {
    return materials.stream().filter(m -> m.id().equals(id)).findFirst();
  }

  public KmsKey withDescription(String newDescription) {
    return new KmsKey(keyId, createdAt, newDescription, keySpec, keyUsage, origin, state,
        deletionDate, pendingWindowDays, materials, tags);
  }

  public KmsKey withTags(List<Tag> newTags) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state,
        deletionDate, pendingWindowDays, materials, newTags);
  }

  public KmsKey withState(KeyState newState, Instant newDeletionDate, Integer newPendingWindowDays) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, newState,
        newDeletionDate, newPendingWindowDays, materials, tags);
  }
}
