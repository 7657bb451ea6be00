package io.trent.server.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.api.ImportKeyMaterialRequest;
import io.trent.core.api.ImportParameters;
import io.trent.core.api.ImportedMaterialResult;
import io.trent.core.api.KeyRotations;
import io.trent.core.api.RotationStatus;
import io.trent.core.key.KeyMaterial;
import io.trent.core.service.ImportService;
import io.trent.core.service.RotationService;
import io.trent.core.spi.Page;
import java.util.Map;

/** JSON bindings of the rotation and import operations. */
final class RotationOperations {
  private RotationOperations() {}

  static void register(Map<String, OperationHandler> registry, RotationService rotation, ImportService imports) {
    registry.put("EnableKeyRotation", (s, r) -> {
      rotation.enableKeyRotation(s, r.string("KeyId"), r.integer("RotationPeriodInDays"));
      return JsonResponse.create();
    });
    registry.put("DisableKeyRotation", (s, r) -> {
      rotation.disableKeyRotation(s, r.string("KeyId"));
      return JsonResponse.create();
    });
    registry.put("GetKeyRotationStatus", (s, r) -> {
      RotationStatus status = rotation.getKeyRotationStatus(s, r.string("KeyId"));
      JsonResponse response = JsonResponse.create().put("KeyId", status.keyId()).put("KeyRotationEnabled", status.enabled())
          .time("NextRotationDate", status.nextRotationDate());
      if (status.rotationPeriodInDays() != null) {
        response.put("RotationPeriodInDays", status.rotationPeriodInDays());
      }
      return response;
    });
    registry.put("RotateKeyOnDemand", (s, r) -> JsonResponse.create().put("KeyId", rotation.rotateKeyOnDemand(s, r.string("KeyId"))));
    registry.put("ListKeyRotations", (s, r) -> {
      KeyRotations result = rotation.listKeyRotations(s, r.string("KeyId"), r.integer("Limit"), r.string("Marker"));
      Page<KeyMaterial> page = result.rotations();
      String arn = result.keyArn();
      ArrayNode rotations = JsonNodeFactory.instance.arrayNode();
      for (KeyMaterial m : page.items()) {
        ObjectNode o = rotations.addObject();
        o.put("KeyId", arn);
        o.put("KeyMaterialId", m.id().toHex());
        o.put("RotationDate", JsonResponse.epochSeconds(m.createdAt()));
        o.put("RotationType", m.rotationType().name());
      }
      return JsonResponse.create().array("Rotations", rotations).put("NextMarker", page.nextMarker())
          .put("Truncated", page.truncated());
    });
    registry.put("GetParametersForImport", (s, r) -> {
      ImportParameters p = imports.getParametersForImport(s, r.string("KeyId"), r.string("WrappingAlgorithm"),
          r.string("WrappingKeySpec"));
      return JsonResponse.create().put("KeyId", p.keyArn()).blob("ImportToken", p.importToken())
          .blob("PublicKey", p.publicKey()).time("ParametersValidTo", p.parametersValidTo());
    });
    registry.put("ImportKeyMaterial", (s, r) -> {
      ImportedMaterialResult imported = imports.importKeyMaterial(s, new ImportKeyMaterialRequest(r.string("KeyId"),
          r.blob("ImportToken"), r.blob("EncryptedKeyMaterial"), r.timestamp("ValidTo"), r.string("ExpirationModel")));
      return JsonResponse.create().put("KeyId", imported.keyArn()).put("KeyMaterialId", imported.materialId().toHex());
    });
    registry.put("DeleteImportedKeyMaterial", (s, r) -> {
      ImportedMaterialResult deleted = imports.deleteImportedKeyMaterial(s, r.string("KeyId"));
      JsonResponse response = JsonResponse.create().put("KeyId", deleted.keyArn());
      return deleted.materialId() == null ? response : response.put("KeyMaterialId", deleted.materialId().toHex());
    });
  }
}
