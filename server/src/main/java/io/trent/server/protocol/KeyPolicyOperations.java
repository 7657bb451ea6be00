package io.trent.server.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.trent.core.service.KeyPolicyService;
import io.trent.core.spi.Page;
import java.util.Map;

/** JSON bindings of PutKeyPolicy, GetKeyPolicy and ListKeyPolicies. */
final class KeyPolicyOperations {
  private KeyPolicyOperations() {}

  static void register(Map<String, OperationHandler> registry, KeyPolicyService service) {
    registry.put("PutKeyPolicy", r -> {
      service.putKeyPolicy(r.string("KeyId"), r.string("PolicyName"), r.string("Policy"),
          r.bool("BypassPolicyLockoutSafetyCheck"), r.caller());
      return JsonResponse.create();
    });
    registry.put("GetKeyPolicy", r -> {
      String name = r.string("PolicyName");
      String policy = service.getKeyPolicy(r.string("KeyId"), name);
      return JsonResponse.create().put("Policy", policy)
          .put("PolicyName", name == null ? KeyPolicyService.DEFAULT_POLICY_NAME : name);
    });
    registry.put("ListKeyPolicies", r -> {
      Page<String> page = service.listKeyPolicies(r.string("KeyId"), r.integer("Limit"), r.string("Marker"));
      ArrayNode names = JsonNodeFactory.instance.arrayNode();
      page.items().forEach(names::add);
      return JsonResponse.create().array("PolicyNames", names).put("NextMarker", page.nextMarker())
          .put("Truncated", page.truncated());
    });
  }
}
