package io.trent.server.protocol;

import io.trent.core.api.MacRequest;
import io.trent.core.api.MacResult;
import io.trent.core.api.PublicKeyResult;
import io.trent.core.api.SignRequest;
import io.trent.core.api.SignResult;
import io.trent.core.service.KeyAlgorithms;
import io.trent.core.service.MacService;
import io.trent.core.service.SigningService;
import java.util.Map;

/** JSON bindings of GetPublicKey, Sign, Verify, GenerateMac and VerifyMac. */
final class SigningOperations {
  private SigningOperations() {}

  static void register(Map<String, OperationHandler> registry, SigningService signing, MacService macs) {
    registry.put("GetPublicKey", (s, r) -> {
      String keyId = r.string("KeyId");
      GrantTokens.check(r.stringList("GrantTokens"));
      PublicKeyResult result = signing.getPublicKey(s, keyId);
      JsonResponse response = JsonResponse.create()
          .put("KeyId", result.keyArn())
          .blob("PublicKey", result.publicKey())
          .put("CustomerMasterKeySpec", result.key().keySpec().name())
          .put("KeySpec", result.key().keySpec().name())
          .put("KeyUsage", result.key().keyUsage().name());
      KeyMetadataJson.strings(response.node(), "EncryptionAlgorithms",
          KeyAlgorithms.encryptionAlgorithms(result.key().keySpec(), result.key().keyUsage()));
      KeyMetadataJson.strings(response.node(), "SigningAlgorithms",
          KeyAlgorithms.signingAlgorithms(result.key().keySpec(), result.key().keyUsage()).stream().map(Enum::name).toList());
      return response;
    });
    registry.put("Sign", (s, r) -> {
      SignResult result = signing.sign(s, signRequest(r, false));
      return JsonResponse.create().put("KeyId", result.keyArn()).blob("Signature", result.signature())
          .put("SigningAlgorithm", result.signingAlgorithm());
    });
    registry.put("Verify", (s, r) -> {
      SignResult result = signing.verify(s, signRequest(r, true));
      return JsonResponse.create().put("KeyId", result.keyArn()).put("SignatureValid", true)
          .put("SigningAlgorithm", result.signingAlgorithm());
    });
    registry.put("GenerateMac", (s, r) -> {
      MacResult result = macs.generateMac(s, macRequest(r, false));
      return JsonResponse.create().blob("Mac", result.mac()).put("MacAlgorithm", result.macAlgorithm())
          .put("KeyId", result.keyArn());
    });
    registry.put("VerifyMac", (s, r) -> {
      MacResult result = macs.verifyMac(s, macRequest(r, true));
      return JsonResponse.create().put("KeyId", result.keyArn()).put("MacValid", true)
          .put("MacAlgorithm", result.macAlgorithm());
    });
  }

  private static SignRequest signRequest(JsonRequest r, boolean verify) {
    return new SignRequest(r.string("KeyId"), r.blob("Message"), r.string("MessageType"), r.string("SigningAlgorithm"),
        verify ? r.blob("Signature") : null, r.stringList("GrantTokens"), r.bool("DryRun"));
  }

  private static MacRequest macRequest(JsonRequest r, boolean verify) {
    return new MacRequest(r.string("KeyId"), r.blob("Message"), r.string("MacAlgorithm"),
        verify ? r.blob("Mac") : null, r.stringList("GrantTokens"), r.bool("DryRun"));
  }
}
