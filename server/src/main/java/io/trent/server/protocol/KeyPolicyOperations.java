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
    registry.put("PutKeyPolicy", (s, r) -> {
      service.putKeyPolicy(s, r.string("KeyId"), r.string("PolicyName"), r.string("Policy"),
          r.bool("BypassPolicyLockoutSafetyCheck"));
      return JsonResponse.create();
    });
    registry.put("GetKeyPolicy", (s, r) -> {
      String name = r.string("PolicyName");
      String policy = service.getKeyPolicy(s, r.string("KeyId"), name);
      return JsonResponse.create().put("Policy", policy)
          .put("PolicyName", name == null ? KeyPolicyService.DEFAULT_POLICY_NAME : name);
    });
    registry.put("ListKeyPolicies", (s, r) -> {
      Page<String> page = service.listKeyPolicies(s, r.string("KeyId"), r.integer("Limit"), r.string("Marker"));
      ArrayNode names = JsonNodeFactory.instance.arrayNode();
      page.items().forEach(names::add);
      return JsonResponse.create().array("PolicyNames", names).put("NextMarker", page.nextMarker())
          .put("Truncated", page.truncated());
    });
  }
}
