package io.trent.core.key;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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
 * @param publicKey an asymmetric key's public key (DER SubjectPublicKeyInfo), else null
 * @param rotationPeriodDays the automatic rotation period, or null when automatic rotation is off
 * @param nextRotationDate when automatic rotation next runs, or null when it is off
 * @param onDemandRotations how many on-demand rotations the key has had
 * @param expirationModel for imported material: whether it expires, else null
 * @param validTo for expiring imported material: when it is deleted, else null
 * @param importCheck for imported material: proof, made with the first imported material in the HSM,
 *     that lets a later import be recognised as the same material (see ImportCheck), else null
 * @param importedEncryptionsReserved for imported material: the AES-GCM encryptions reserved under the
 *     material the import check names, as they stood when that material was last deleted or expired.
 *     The count belongs to the material, not to its HSM object: a re-import takes back the same
 *     material id and starts from this count, so deleting and re-importing never renews its budget.
 * @param policy the key policy document, exactly as given to CreateKey or PutKeyPolicy (AWS returns it
 *     unchanged); null only for a key stored before key policies, which {@code KeyCatalog} reads as its
 *     account's default key policy, so every key read through the catalog has one
 * @param arn the key's ARN, {@code arn:<partition>:kms:<region>:<account>:key/<key-id>}: the key belongs to
 *     that account and region (those of the request that created it) and is found only from them
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
    List<Tag> tags,
    byte[] publicKey,
    Integer rotationPeriodDays,
    Instant nextRotationDate,
    int onDemandRotations,
    ExpirationModel expirationModel,
    Instant validTo,
    byte[] importCheck,
    long importedEncryptionsReserved,
    String policy,
    Arn arn) {

  public KmsKey {
    Objects.requireNonNull(arn, "arn");
    materials = List.copyOf(materials);
    tags = List.copyOf(tags);
    publicKey = publicKey == null ? null : publicKey.clone();
    importCheck = importCheck == null ? null : importCheck.clone();
  }

  @Override
  public byte[] importCheck() {
    return importCheck == null ? null : importCheck.clone();
  }

  /** The public key, a copy: the record stays immutable. */
  @Override
  public byte[] publicKey() {
    return publicKey == null ? null : publicKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KmsKey k && keyId.equals(k.keyId) && createdAt.equals(k.createdAt)
        && description.equals(k.description) && keySpec == k.keySpec && keyUsage == k.keyUsage
        && origin == k.origin && state == k.state && Objects.equals(deletionDate, k.deletionDate)
        && Objects.equals(pendingWindowDays, k.pendingWindowDays) && materials.equals(k.materials)
        && tags.equals(k.tags) && Arrays.equals(publicKey, k.publicKey)
        && Objects.equals(rotationPeriodDays, k.rotationPeriodDays) && Objects.equals(nextRotationDate, k.nextRotationDate)
        && onDemandRotations == k.onDemandRotations && expirationModel == k.expirationModel
        && Objects.equals(validTo, k.validTo) && Arrays.equals(importCheck, k.importCheck)
        && importedEncryptionsReserved == k.importedEncryptionsReserved && Objects.equals(policy, k.policy)
        && arn.equals(k.arn);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyId, createdAt, state, materials) * 31 + Arrays.hashCode(publicKey);
  }

  @Override
  public String toString() {
    return "KmsKey[" + keyId + ", " + keySpec + ", " + keyUsage + ", " + origin + ", " + state + "]";
  }

  /** A new key of {@code home} with no rotation, import or deletion state. */
  public static KmsKey create(AccountRegion home, String keyId, Instant createdAt, String description, KeySpec keySpec,
      KeyUsage keyUsage, Origin origin, KeyState state, List<KeyMaterial> materials, List<Tag> tags,
      byte[] publicKey) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state, null, null,
        materials, tags, publicKey, null, null, 0, null, null, null, 0, null, home.keyArn(keyId));
  }

  /** The account and region the key belongs to. */
  public AccountRegion home() {
    return arn.home();
  }

  /** The account the key belongs to: its ARN's. */
  public String accountId() {
    return arn.accountId();
  }

  /** The material new ciphertexts use. */
  public Optional<KeyMaterial> currentMaterial() {
    for (KeyMaterial material : materials) { // per request: no stream
      if (material.current()) {
        return Optional.of(material);
      }
    }
    return Optional.empty();
  }

  public Optional<KeyMaterial> material(KeyMaterialId id) {
    return materials.stream().filter(m -> m.id().equals(id)).findFirst();
  }

  public KmsKey withDescription(String newDescription) {
    return new KmsKey(keyId, createdAt, newDescription, keySpec, keyUsage, origin, state, deletionDate,
        pendingWindowDays, materials, tags, publicKey, rotationPeriodDays, nextRotationDate,
        onDemandRotations, expirationModel, validTo, importCheck, importedEncryptionsReserved, policy, arn);
  }

  public KmsKey withTags(List<Tag> newTags) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state, deletionDate,
        pendingWindowDays, materials, newTags, publicKey, rotationPeriodDays, nextRotationDate,
        onDemandRotations, expirationModel, validTo, importCheck, importedEncryptionsReserved, policy, arn);
  }

  public KmsKey withState(KeyState newState, Instant newDeletionDate, Integer newPendingWindowDays) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, newState, newDeletionDate,
        newPendingWindowDays, materials, tags, publicKey, rotationPeriodDays, nextRotationDate,
        onDemandRotations, expirationModel, validTo, importCheck, importedEncryptionsReserved, policy, arn);
  }

  public KmsKey withMaterials(List<KeyMaterial> newMaterials) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state, deletionDate,
        pendingWindowDays, newMaterials, tags, publicKey, rotationPeriodDays, nextRotationDate,
        onDemandRotations, expirationModel, validTo, importCheck, importedEncryptionsReserved, policy, arn);
  }

  public KmsKey withRotation(Integer periodDays, Instant next) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state, deletionDate,
        pendingWindowDays, materials, tags, publicKey, periodDays, next, onDemandRotations,
        expirationModel, validTo, importCheck, importedEncryptionsReserved, policy, arn);
  }

  public KmsKey withOnDemandRotations(int count) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state, deletionDate,
        pendingWindowDays, materials, tags, publicKey, rotationPeriodDays, nextRotationDate, count,
        expirationModel, validTo, importCheck, importedEncryptionsReserved, policy, arn);
  }

  public KmsKey withImport(ExpirationModel model, Instant newValidTo) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state, deletionDate,
        pendingWindowDays, materials, tags, publicKey, rotationPeriodDays, nextRotationDate,
        onDemandRotations, model, newValidTo, importCheck, importedEncryptionsReserved, policy, arn);
  }

  public KmsKey withImportCheck(byte[] check) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state, deletionDate,
        pendingWindowDays, materials, tags, publicKey, rotationPeriodDays, nextRotationDate,
        onDemandRotations, expirationModel, validTo, check, importedEncryptionsReserved, policy, arn);
  }

  public KmsKey withImportedEncryptionsReserved(long reserved) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state, deletionDate,
        pendingWindowDays, materials, tags, publicKey, rotationPeriodDays, nextRotationDate,
        onDemandRotations, expirationModel, validTo, importCheck, reserved, policy, arn);
  }

  /** The key with a new key policy document (CreateKey, PutKeyPolicy, or the default for an old key). */
  public KmsKey withPolicy(String newPolicy) {
    return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state, deletionDate,
        pendingWindowDays, materials, tags, publicKey, rotationPeriodDays, nextRotationDate,
        onDemandRotations, expirationModel, validTo, importCheck, importedEncryptionsReserved, newPolicy, arn);
  }

  /** Adds material and makes it the current one. */
  public KmsKey withNewCurrentMaterial(KeyMaterial material) {
    List<KeyMaterial> updated = new ArrayList<>(materials.size() + 1);
    materials.forEach(m -> updated.add(m.current() ? m.withCurrent(false) : m));
    updated.add(material.withCurrent(true));
    return withMaterials(updated);
  }
}
