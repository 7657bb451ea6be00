package io.trent.server.protocol;

import io.trent.core.api.DecryptRequest;
import io.trent.core.api.DecryptResult;
import io.trent.core.api.EncryptRequest;
import io.trent.core.api.EncryptResult;
import io.trent.core.api.GenerateRandomRequest;
import io.trent.core.api.ReEncryptRequest;
import io.trent.core.api.ReEncryptResult;
import io.trent.core.service.CryptoService;
import java.util.Map;

/** JSON bindings of Encrypt, Decrypt, ReEncrypt and GenerateRandom. */
final class CryptoOperations {
  private CryptoOperations() {}

  static void register(Map<String, OperationHandler> registry, CryptoService service) {
    registry.put("Encrypt", (s, r) -> {
      EncryptResult result = service.encrypt(s, new EncryptRequest(r.string("KeyId"), r.blob("Plaintext"),
          r.stringMap("EncryptionContext"), r.stringList("GrantTokens"), r.string("EncryptionAlgorithm"), r.bool("DryRun")));
      return JsonResponse.create()
          .blob("CiphertextBlob", result.ciphertextBlob())
          .put("KeyId", result.keyArn())
          .put("EncryptionAlgorithm", result.encryptionAlgorithm());
    });
    registry.put("Decrypt", (s, r) -> {
      DecryptResult result = service.decrypt(s, new DecryptRequest(r.blob("CiphertextBlob"), r.stringMap("EncryptionContext"),
          r.stringList("GrantTokens"), r.string("KeyId"), r.string("EncryptionAlgorithm"), r.bool("DryRun")));
      return JsonResponse.create()
          .put("KeyId", result.keyArn())
          .secret("Plaintext", result.plaintext())
          .put("EncryptionAlgorithm", result.encryptionAlgorithm())
          .put("KeyMaterialId", result.keyMaterialId());
    });
    registry.put("ReEncrypt", (s, r) -> {
      ReEncryptResult result = service.reEncrypt(s, new ReEncryptRequest(r.blob("CiphertextBlob"),
          r.stringMap("SourceEncryptionContext"), r.string("SourceKeyId"), r.string("DestinationKeyId"),
          r.stringMap("DestinationEncryptionContext"), r.string("SourceEncryptionAlgorithm"),
          r.string("DestinationEncryptionAlgorithm"), r.stringList("GrantTokens"), r.bool("DryRun")));
      return JsonResponse.create()
          .blob("CiphertextBlob", result.ciphertextBlob())
          .put("SourceKeyId", result.sourceKeyArn())
          .put("KeyId", result.keyArn())
          .put("SourceEncryptionAlgorithm", result.sourceEncryptionAlgorithm())
          .put("DestinationEncryptionAlgorithm", result.destinationEncryptionAlgorithm())
          .put("SourceKeyMaterialId", result.sourceKeyMaterialId())
          .put("DestinationKeyMaterialId", result.destinationKeyMaterialId());
    });
    registry.put("GenerateRandom", (s, r) -> JsonResponse.create().secret("Plaintext",
        service.generateRandom(s, new GenerateRandomRequest(r.integer("NumberOfBytes"), r.string("CustomKeyStoreId")))));
  }
}
