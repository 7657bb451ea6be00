package io.trent.server.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.trent.core.key.Tag;
import io.trent.core.service.TagService;
import io.trent.core.spi.Page;
import java.util.Map;

/** JSON bindings of TagResource, UntagResource, ListResourceTags and UpdateKeyDescription. */
final class TagOperations {
  private TagOperations() {}

  static void register(Map<String, OperationHandler> registry, TagService service) {
    registry.put("TagResource", (s, r) -> {
      service.tagResource(s, r.string("KeyId"), r.tags("Tags"));
      return JsonResponse.create();
    });
    registry.put("UntagResource", (s, r) -> {
      service.untagResource(s, r.string("KeyId"), r.stringList("TagKeys"));
      return JsonResponse.create();
    });
    registry.put("ListResourceTags", (s, r) -> {
      Page<Tag> page = service.listResourceTags(s, r.string("KeyId"), r.integer("Limit"), r.string("Marker"));
      ArrayNode tags = JsonNodeFactory.instance.arrayNode();
      page.items().forEach(t -> tags.addObject().put("TagKey", t.key()).put("TagValue", t.value()));
      return JsonResponse.create().array("Tags", tags).put("NextMarker", page.nextMarker()).put("Truncated", page.truncated());
    });
    registry.put("UpdateKeyDescription", (s, r) -> {
      service.updateKeyDescription(s, r.string("KeyId"), r.string("Description"));
      return JsonResponse.create();
    });
  }
}
