package io.trent.server.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.service.KeyAlgorithms;

/** The KeyMetadata structure of CreateKey and DescribeKey, with exactly the fields AWS returns. */
final class KeyMetadataJson {
  private KeyMetadataJson() {}

  static ObjectNode of(KmsKey key) {
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    m.put("AWSAccountId", key.accountId());
    m.put("Arn", key.arn().value());
    m.put("CreationDate", JsonResponse.epochSeconds(key.createdAt()));
    if (key.keySpec() == KeySpec.SYMMETRIC_DEFAULT) {
      key.currentMaterial().ifPresent(material -> m.put("CurrentKeyMaterialId", material.id().toHex()));
    }
    m.put("CustomerMasterKeySpec", key.keySpec().name());
    if (key.deletionDate() != null) {
      m.put("DeletionDate", JsonResponse.epochSeconds(key.deletionDate()));
    }
    m.put("Description", key.description());
    m.put("Enabled", key.state() == KeyState.Enabled);
    strings(m, "EncryptionAlgorithms", KeyAlgorithms.encryptionAlgorithms(key.keySpec(), key.keyUsage()));
    if (key.expirationModel() != null) {
      m.put("ExpirationModel", key.expirationModel().name());
    }
    m.put("KeyId", key.keyId());
    m.put("KeyManager", "CUSTOMER");
    m.put("KeySpec", key.keySpec().name());
    m.put("KeyState", key.state().name());
    m.put("KeyUsage", key.keyUsage().name());
    strings(m, "MacAlgorithms", KeyAlgorithms.macAlgorithms(key.keySpec()).stream().map(Enum::name).toList());
    m.put("MultiRegion", false);
    m.put("Origin", key.origin().name());
    strings(m, "SigningAlgorithms",
        KeyAlgorithms.signingAlgorithms(key.keySpec(), key.keyUsage()).stream().map(Enum::name).toList());
    if (key.validTo() != null) {
      m.put("ValidTo", JsonResponse.epochSeconds(key.validTo()));
    }
    return m;
  }

  /** A list member that AWS omits when empty. */
  static void strings(ObjectNode node, String name, java.util.List<String> values) {
    if (!values.isEmpty()) {
      ArrayNode array = node.putArray(name);
      values.forEach(array::add);
    }
  }
}
