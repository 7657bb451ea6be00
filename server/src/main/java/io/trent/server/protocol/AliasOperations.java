package io.trent.server.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.key.Alias;
import io.trent.core.service.AliasService;
import io.trent.core.spi.Page;
import java.util.Map;

/** JSON bindings of the alias operations. */
final class AliasOperations {
  private AliasOperations() {}

  static void register(Map<String, OperationHandler> registry, AliasService service) {
    registry.put("CreateAlias", (s, r) -> {
      service.createAlias(s, r.string("AliasName"), r.string("TargetKeyId"));
      return JsonResponse.create();
    });
    registry.put("UpdateAlias", (s, r) -> {
      service.updateAlias(s, r.string("AliasName"), r.string("TargetKeyId"));
      return JsonResponse.create();
    });
    registry.put("DeleteAlias", (s, r) -> {
      service.deleteAlias(s, r.string("AliasName"));
      return JsonResponse.create();
    });
    registry.put("ListAliases", (s, r) -> {
      Page<Alias> page = service.listAliases(s, r.string("KeyId"), r.integer("Limit"), r.string("Marker"));
      ArrayNode aliases = JsonNodeFactory.instance.arrayNode();
      for (Alias alias : page.items()) {
        ObjectNode a = aliases.addObject();
        a.put("AliasArn", alias.arn().value());
        a.put("AliasName", alias.name());
        a.put("CreationDate", JsonResponse.epochSeconds(alias.createdAt()));
        a.put("LastUpdatedDate", JsonResponse.epochSeconds(alias.lastUpdatedAt()));
        a.put("TargetKeyId", alias.targetKeyId());
      }
      return JsonResponse.create().array("Aliases", aliases).put("NextMarker", page.nextMarker()).put("Truncated", page.truncated());
    });
  }
}
