package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * Seen from another process with pkcs11-tool and the PIN, every kind of object Trent creates has
 * only the capabilities it needs, and nobody can change its attributes afterwards: {@code --set-id}
 * (a C_SetAttributeValue) fails on each of them, while it works on an object made by pkcs11-tool.
 */
@ExtendWith(TrentExtension.class)
class TokenObjectAttributesTest {

  @Test
  void everyObjectHasOnlyTheUsesItNeedsAndCannotBeChanged() throws Exception {
    KeyMetadata external = ImportKeyMaterialTest.external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    GetParametersForImportResponse p = ImportKeyMaterialTest.parameters(external, AlgorithmSpec.RSAES_OAEP_SHA_1);
    ImportKeyMaterialTest.importMaterial(external, p,
        ImportKeyMaterialTest.wrapOaepSha1(ImportKeyMaterialTest.wrappingKey(p), ImportKeyMaterialTest.random(32)));
    // Usage of the key material object, then of the public key where there is one. pkcs11-tool 0.23
    // prints no "sign" for secret keys (TokenObjectLockdownTest in pkcs11-backend reads CKA_SIGN).
    Map<KeyMetadata, List<List<String>>> keys = Map.of(
        TestKeys.symmetric(), List.of(List.of("encrypt", "decrypt")),
        external, List.of(List.of("encrypt", "decrypt")),
        TestKeys.hmac("HMAC_256"), List.of(List.of("verify")),
        TestKeys.rsaEncryption(2048), List.of(List.of("decrypt"), List.of("encrypt")),
        TestKeys.ecc("ECC_NIST_P256"), List.of(List.of("sign"), List.of("verify")));

    for (Map.Entry<KeyMetadata, List<List<String>>> entry : keys.entrySet()) {
      String keyId = entry.getKey().keyId();
      List<Pkcs11Tool.TokenObject> objects = Pkcs11Tool.objectsOf(keyId);
      assertThat(objects).as("objects of %s", entry.getKey().keySpecAsString()).hasSize(entry.getValue().size());
      for (Pkcs11Tool.TokenObject o : objects) {
        List<String> usage = o.isKeyMaterial() ? entry.getValue().get(0) : entry.getValue().get(1);
        assertThat(o.usage()).as("usage of %s of %s", o.kind(), entry.getKey().keySpecAsString())
            .containsExactlyInAnyOrderElementsOf(usage);
        if (o.isKeyMaterial()) {
          // Imported keys were never "never extractable" (they came from outside); all are not extractable now.
          assertThat(o.access()).contains("sensitive").doesNotContain("extractable");
        }
        assertThat(Pkcs11Tool.trySetId(type(o), o.id(), "00" + o.id()))
            .as("changing %s of %s", o.kind(), entry.getKey().keySpecAsString()).isFalse();
      }
    }

    // The wrapping key of outstanding import parameters.
    KeyMetadata pending = ImportKeyMaterialTest.external("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT);
    List<String> before = wrappingKeyIds();
    ImportKeyMaterialTest.parameters(pending, AlgorithmSpec.RSAES_OAEP_SHA_1);
    List<Pkcs11Tool.TokenObject> wrapping = Pkcs11Tool.listObjects().stream()
        .filter(o -> o.label().equals("trent-import") && !before.contains(o.id())).toList();
    assertThat(wrapping).extracting(Pkcs11Tool.TokenObject::kind).containsExactlyInAnyOrder("Private Key", "Public Key");
    for (Pkcs11Tool.TokenObject o : wrapping) {
      assertThat(o.usage()).as("usage of the wrapping %s", o.kind())
          .containsExactlyInAnyOrderElementsOf(o.isKeyMaterial() ? List.of("unwrap") : List.of("encrypt", "wrap"));
      assertThat(Pkcs11Tool.trySetId(type(o), o.id(), "00" + o.id())).as("changing the wrapping %s", o.kind()).isFalse();
    }

    // The control: the same tool changes an object that is modifiable.
    String id = HexFormat.of().formatHex(ImportKeyMaterialTest.random(8));
    Pkcs11Tool.generateModifiableSecretKey(id, "TokenObjectAttributesTest control");
    assertThat(Pkcs11Tool.trySetId("secrkey", id, "00" + id)).isTrue();
    Pkcs11Tool.deleteSecretKey("00" + id);
  }

  private static List<String> wrappingKeyIds() {
    return Pkcs11Tool.listObjects().stream().filter(o -> o.label().equals("trent-import"))
        .map(Pkcs11Tool.TokenObject::id).toList();
  }

  private static String type(Pkcs11Tool.TokenObject o) {
    return switch (o.kind()) {
      case "Secret Key" -> "secrkey";
      case "Private Key" -> "privkey";
      default -> "pubkey";
    };
  }
}
