package io.trent.server.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.api.ScheduleKeyDeletionResult;
import io.trent.core.key.KmsKey;
import io.trent.core.service.KeyService;
import io.trent.core.spi.Page;
import java.util.Map;

/** JSON bindings of the key lifecycle operations. */
final class KeyOperations {
  private KeyOperations() {}

  static void register(Map<String, OperationHandler> registry, KeyService service) {
    registry.put("CreateKey", (s, r) -> {
      KmsKey key = service.createKey(s, new CreateKeyRequest(r.string("Policy"), r.string("Description"),
          r.string("KeyUsage"), r.string("CustomerMasterKeySpec"), r.string("KeySpec"), r.string("Origin"),
          r.string("CustomKeyStoreId"), r.tags("Tags"), r.bool("MultiRegion"), r.string("XksKeyId"),
          r.bool("BypassPolicyLockoutSafetyCheck")));
      return JsonResponse.create().object("KeyMetadata", KeyMetadataJson.of(key));
    });
    registry.put("DescribeKey", (s, r) -> {
      String keyId = r.string("KeyId");
      GrantTokens.check(r.stringList("GrantTokens"));
      return JsonResponse.create().object("KeyMetadata", KeyMetadataJson.of(service.describeKey(s, keyId)));
    });
    registry.put("ListKeys", (s, r) -> {
      Page<KmsKey> page = service.listKeys(s, r.integer("Limit"), r.string("Marker"));
      ArrayNode keys = JsonNodeFactory.instance.arrayNode();
      for (KmsKey key : page.items()) {
        keys.addObject().put("KeyArn", key.arn().value()).put("KeyId", key.keyId());
      }
      return JsonResponse.create().array("Keys", keys).put("NextMarker", page.nextMarker()).put("Truncated", page.truncated());
    });
    registry.put("EnableKey", (s, r) -> {
      service.enableKey(s, r.string("KeyId"));
      return JsonResponse.create();
    });
    registry.put("DisableKey", (s, r) -> {
      service.disableKey(s, r.string("KeyId"));
      return JsonResponse.create();
    });
    registry.put("ScheduleKeyDeletion", (s, r) -> {
      ScheduleKeyDeletionResult result = service.scheduleKeyDeletion(s, r.string("KeyId"), r.integer("PendingWindowInDays"));
      return JsonResponse.create()
          .put("KeyId", result.keyArn())
          .time("DeletionDate", result.deletionDate())
          .put("KeyState", result.keyState())
          .put("PendingWindowInDays", result.pendingWindowInDays());
    });
    registry.put("CancelKeyDeletion", (s, r) -> JsonResponse.create().put("KeyId", service.cancelKeyDeletion(s, r.string("KeyId"))));
  }
}
