package io.trent.server.protocol;

import io.trent.core.api.DataKeyPairResult;
import io.trent.core.api.DataKeyResult;
import io.trent.core.api.GenerateDataKeyPairRequest;
import io.trent.core.api.GenerateDataKeyRequest;
import io.trent.core.service.DataKeyService;
import java.util.Map;

/** JSON bindings of the four data-key operations. */
final class DataKeyOperations {
  private DataKeyOperations() {}

  static void register(Map<String, OperationHandler> registry, DataKeyService service) {
    registry.put("GenerateDataKey", (s, r) -> dataKey(service.generateDataKey(s, dataKeyRequest(r))));
    registry.put("GenerateDataKeyWithoutPlaintext", (s, r) -> dataKey(service.generateDataKeyWithoutPlaintext(s, dataKeyRequest(r))));
    registry.put("GenerateDataKeyPair", (s, r) -> keyPair(service.generateDataKeyPair(s, keyPairRequest(r))));
    registry.put("GenerateDataKeyPairWithoutPlaintext",
        (s, r) -> keyPair(service.generateDataKeyPairWithoutPlaintext(s, keyPairRequest(r))));
  }

  private static GenerateDataKeyRequest dataKeyRequest(JsonRequest r) {
    return new GenerateDataKeyRequest(r.string("KeyId"), r.string("KeySpec"), r.integer("NumberOfBytes"),
        r.stringMap("EncryptionContext"), r.stringList("GrantTokens"), r.bool("DryRun"));
  }

  private static GenerateDataKeyPairRequest keyPairRequest(JsonRequest r) {
    return new GenerateDataKeyPairRequest(r.string("KeyId"), r.string("KeyPairSpec"),
        r.stringMap("EncryptionContext"), r.stringList("GrantTokens"), r.bool("DryRun"));
  }

  private static JsonResponse dataKey(DataKeyResult result) {
    return JsonResponse.create()
        .blob("CiphertextBlob", result.ciphertextBlob())
        .secret("Plaintext", result.plaintext())
        .put("KeyId", result.keyArn())
        .put("KeyMaterialId", result.keyMaterialId());
  }

  private static JsonResponse keyPair(DataKeyPairResult result) {
    return JsonResponse.create()
        .blob("PrivateKeyCiphertextBlob", result.privateKeyCiphertextBlob())
        .secret("PrivateKeyPlaintext", result.privateKeyPlaintext())
        .blob("PublicKey", result.publicKey())
        .put("KeyId", result.keyArn())
        .put("KeyPairSpec", result.keyPairSpec())
        .put("KeyMaterialId", result.keyMaterialId());
  }
}
