package io.trent.server.protocol;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;

/** The KeyMetadata structure of CreateKey and DescribeKey, with exactly the fields AWS returns. */
final class KeyMetadataJson {
  private KeyMetadataJson() {}

  static ObjectNode of(KmsKey key, ServiceIdentity identity) {
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    m.put("AWSAccountId", identity.accountId());
    m.put("Arn", identity.keyArn(key.keyId()));
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
    if (key.keyUsage() == KeyUsage.ENCRYPT_DECRYPT) {
      var algorithms = m.putArray("EncryptionAlgorithms");
      if (key.keySpec() == KeySpec.SYMMETRIC_DEFAULT) {
        algorithms.add("SYMMETRIC_DEFAULT");
      } else {
        algorithms.add("RSAES_OAEP_SHA_1").add("RSAES_OAEP_SHA_256");
      }
    }
    m.put("KeyId", key.keyId());
    m.put("KeyManager", "CUSTOMER");
    m.put("KeySpec", key.keySpec().name());
    m.put("KeyState", key.state().name());
    m.put("KeyUsage", key.keyUsage().name());
    m.put("MultiRegion", false);
    m.put("Origin", key.origin().name());
    if (key.pendingWindowDays() != null) {
      m.put("PendingDeletionWindowInDays", key.pendingWindowDays());
    }
    return m;
  }
}
