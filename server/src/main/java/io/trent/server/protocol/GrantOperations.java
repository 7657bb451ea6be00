package io.trent.server.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.api.CreateGrantRequest;
import io.trent.core.api.CreateGrantResult;
import io.trent.core.grant.GrantOperation;
import io.trent.core.grant.KmsGrant;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.service.GrantService;
import io.trent.core.spi.Page;
import java.util.Map;

/** JSON bindings of CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant. */
final class GrantOperations {
  private GrantOperations() {}

  static void register(Map<String, OperationHandler> registry, GrantService service, ServiceIdentity identity) {
    registry.put("CreateGrant", (s, r) -> {
      JsonRequest constraints = r.structure("Constraints");
      CreateGrantResult result = service.createGrant(s, new CreateGrantRequest(r.string("KeyId"),
          r.string("GranteePrincipal"), r.stringList("Operations"), r.string("RetiringPrincipal"),
          constraints == null ? null : constraints.stringMap("EncryptionContextEquals"),
          constraints == null ? null : constraints.stringMap("EncryptionContextSubset"),
          r.stringList("GrantTokens"), r.string("Name"), r.bool("DryRun")));
      return JsonResponse.create().put("GrantToken", result.grantToken()).put("GrantId", result.grantId());
    });
    registry.put("ListGrants", (s, r) -> grants(service, service.listGrants(s, r.string("KeyId"),
        r.integer("Limit"), r.string("Marker"), r.string("GrantId"), r.string("GranteePrincipal"))));
    registry.put("ListRetirableGrants", (s, r) -> grants(service, service.listRetirableGrants(s,
        r.string("RetiringPrincipal"), r.integer("Limit"), r.string("Marker"))));
    registry.put("RetireGrant", (s, r) -> {
      service.retireGrant(s, r.string("GrantToken"), r.string("KeyId"), r.string("GrantId"), r.bool("DryRun"));
      return JsonResponse.create();
    });
    registry.put("RevokeGrant", (s, r) -> {
      service.revokeGrant(s, r.string("KeyId"), r.string("GrantId"), r.bool("DryRun"));
      return JsonResponse.create();
    });
  }

  /** The GrantListEntry list [M ListGrantsResponse]: Name and RetiringPrincipal only when set. */
  private static JsonResponse grants(GrantService service, Page<KmsGrant> page) {
    ArrayNode grants = JsonNodeFactory.instance.arrayNode();
    for (KmsGrant g : page.items()) {
      ObjectNode e = grants.addObject();
      e.put("KeyId", service.keyArn(g.keyId()));
      e.put("GrantId", g.grantId());
      if (g.name() != null) {
        e.put("Name", g.name());
      }
      e.put("CreationDate", JsonResponse.epochSeconds(g.createdAt()));
      e.put("GranteePrincipal", g.granteePrincipal());
      if (g.retiringPrincipal() != null) {
        e.put("RetiringPrincipal", g.retiringPrincipal());
      }
      e.put("IssuingAccount", g.issuingAccount());
      ArrayNode ops = e.putArray("Operations");
      for (GrantOperation op : g.operations()) {
        ops.add(op.name());
      }
      if (!g.constraints().isEmpty()) {
        ObjectNode c = e.putObject("Constraints");
        if (!g.constraints().encryptionContextSubset().isEmpty()) {
          ObjectNode subset = c.putObject("EncryptionContextSubset");
          g.constraints().encryptionContextSubset().forEach(subset::put);
        }
        if (!g.constraints().encryptionContextEquals().isEmpty()) {
          ObjectNode equals = c.putObject("EncryptionContextEquals");
          g.constraints().encryptionContextEquals().forEach(equals::put);
        }
      }
    }
    return JsonResponse.create().array("Grants", grants).put("NextMarker", page.nextMarker())
        .put("Truncated", page.truncated());
  }
}
