package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.pkcs11.ServerHsmObjects;
import io.trent.pkcs11.ServerHsmObjects.HsmObject;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.DataKeyPairSpec;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

/**
 * No private or secret key material can leave the token. After creating RSA, EC, HMAC and symmetric
 * keys, importing material and using every key once, each object of the token and each session
 * object of the running server is checked on its own:
 *
 * <ul>
 *   <li>from another process, pkcs11-tool: every secret and private key is sensitive, not
 *       extractable and private (invisible without login), labelled {@code trent:<keyId>} with its
 *       material id as CKA_ID (or {@code trent-import} for a wrapping key);
 *   <li>from inside the server's process, through a session on the server's own module: the same for
 *       every token object, and every session object is the one session copy of a symmetric key's
 *       token object (identical but for CKA_TOKEN), never anything else.
 * </ul>
 *
 * The keys this class creates have exactly known objects: one secret key per symmetric or HMAC key,
 * one private and one public key per key pair, and one session copy per used symmetric key.
 */
@Order(Integer.MAX_VALUE - 1)
@ExtendWith(TrentExtension.class)
class KeyMaterialNeverLeavesTheTokenTest {

  /**
   * What every secret or private key object says, token object or session copy. To expect one more
   * attribute of every key, add one line here.
   */
  static final Map<String, Object> KEY_MATERIAL = Map.of(
      "CKA_PRIVATE", true,
      "CKA_SENSITIVE", true,
      "CKA_EXTRACTABLE", false,
      "CKA_MODIFIABLE", false,
      "CKA_COPYABLE", false);

  /** What key material generated inside the token says in addition (imported material cannot). */
  static final Map<String, Object> GENERATED_IN_THE_TOKEN = Map.of(
      "CKA_ALWAYS_SENSITIVE", true,
      "CKA_NEVER_EXTRACTABLE", true,
      "CKA_LOCAL", true);

  /** A KMS key's material, or the audit signing key pair (issue 9), held to the same attributes. */
  static final String TRENT_LABEL = "^trent:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
      + "|^trent:audit-signing$";
  /**
   * The credential sealing key, created when a server on this token runs with SigV4 (AuditEventsTest restarts the
   * shared server so); checked like every other object.
   */
  static final String SEAL_LABEL = "^trent:credential-seal$";

  static List<KeyMetadata> keyPairs;
  static List<KeyMetadata> generatedSymmetric;
  static KeyMetadata importedSymmetric;
  static KeyMetadata importedHmac;

  @BeforeAll
  static void createAndUseKeys() throws Exception {
    keyPairs = List.of(TestKeys.rsaEncryption(2048), TestKeys.rsaSigning(2048), TestKeys.ecc("ECC_NIST_P256"),
        TestKeys.ecc("ECC_SECG_P256K1"));
    // Fresh secret keys, so that their object counts are exact whatever ran before.
    generatedSymmetric = List.of(
        TestKeys.create("HMAC_256", KeyUsageType.GENERATE_VERIFY_MAC, "KeyMaterialNeverLeavesTheTokenTest HMAC_256"),
        TestKeys.create("HMAC_512", KeyUsageType.GENERATE_VERIFY_MAC, "KeyMaterialNeverLeavesTheTokenTest HMAC_512"),
        Trent.newKey("KeyMaterialNeverLeavesTheTokenTest SYMMETRIC_DEFAULT"));
    importedSymmetric = imported("SYMMETRIC_DEFAULT", KeyUsageType.ENCRYPT_DECRYPT, AlgorithmSpec.RSAES_OAEP_SHA_1);
    importedHmac = imported("HMAC_256", KeyUsageType.GENERATE_VERIFY_MAC, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_1);
    // Use each key once, so that the server holds whatever session objects its use makes.
    for (KeyMetadata k : all()) {
      use(k);
    }
  }

  static List<KeyMetadata> all() {
    return Stream.of(keyPairs, generatedSymmetric, List.of(importedSymmetric, importedHmac))
        .flatMap(List::stream).toList();
  }

  static void use(KeyMetadata k) {
    SdkBytes message = SdkBytes.fromUtf8String("KeyMaterialNeverLeavesTheTokenTest");
    String spec = k.keySpecAsString();
    if (spec.equals("SYMMETRIC_DEFAULT")) {
      SdkBytes blob = Trent.kms().encrypt(b -> b.keyId(k.keyId()).plaintext(message)).ciphertextBlob();
      assertThat(Trent.kms().decrypt(b -> b.ciphertextBlob(blob)).plaintext()).isEqualTo(message);
      // Its ephemeral key pair is made of extractable session objects, which must be gone afterwards.
      Trent.kms().generateDataKeyPair(b -> b.keyId(k.keyId()).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256));
    } else if (spec.startsWith("HMAC")) {
      MacAlgorithmSpec alg = MacAlgorithmSpec.fromValue("HMAC_SHA_" + spec.substring("HMAC_".length()));
      Trent.kms().generateMac(b -> b.keyId(k.keyId()).message(message).macAlgorithm(alg));
    } else if (k.keyUsage() == KeyUsageType.SIGN_VERIFY) {
      SigningAlgorithmSpec alg = spec.startsWith("RSA") ? SigningAlgorithmSpec.RSASSA_PSS_SHA_256
          : SigningAlgorithmSpec.ECDSA_SHA_256;
      Trent.kms().sign(b -> b.keyId(k.keyId()).message(message).messageType(MessageType.RAW).signingAlgorithm(alg));
    } else {
      Trent.kms().encrypt(b -> b.keyId(k.keyId()).plaintext(message).encryptionAlgorithm("RSAES_OAEP_SHA_256"));
    }
  }

  @Test
  void everyKeyObjectPkcs11ToolSeesIsSensitiveNotExtractableAndPrivate() {
    List<Pkcs11Tool.TokenObject> objects = Pkcs11Tool.listObjects();
    Map<String, List<Pkcs11Tool.TokenObject>> byLabel =
        objects.stream().collect(Collectors.groupingBy(Pkcs11Tool.TokenObject::label));

    for (KeyMetadata k : all()) {
      String spec = k.keySpecAsString();
      boolean pair = spec.startsWith("RSA") || spec.startsWith("ECC");
      boolean generated = k.origin() == OriginType.AWS_KMS;
      List<Pkcs11Tool.TokenObject> mine = byLabel.getOrDefault("trent:" + k.keyId(), List.of());
      assertThat(mine).as("token objects of %s %s", spec, k.keyId())
          .map(Pkcs11Tool.TokenObject::kind)
          .containsExactlyInAnyOrderElementsOf(pair ? List.of("Private Key", "Public Key") : List.of("Secret Key"));
      for (Pkcs11Tool.TokenObject o : mine) {
        assertThat(o.id()).as("CKA_ID of %s %s", spec, o.kind()).matches("^[0-9a-f]{64}$");
        if (o.isKeyMaterial()) {
          assertThat(o.access()).as("Access of %s", spec).contains("sensitive").doesNotContain("extractable");
          if (generated) {
            assertThat(o.access()).as("Access of generated %s", spec)
                .contains("always sensitive", "never extractable", "local");
          }
        }
      }
      assertThat(mine).as("both halves of %s share the material id", spec)
          .map(Pkcs11Tool.TokenObject::id).containsOnly(mine.get(0).id());
      if (spec.equals("SYMMETRIC_DEFAULT")) {
        assertThat(mine.get(0).id()).isEqualTo(Wire.currentMaterial(k.keyId()));
      }
    }

    // And across the whole token, each private or secret key on its own.
    for (Pkcs11Tool.TokenObject o : objects) {
      KmsAssertions.named(o.header() + " " + o.label(), () -> {
        assertThat(o.label()).as("label").matches(TRENT_LABEL + "|^trent-import$|" + SEAL_LABEL);
        if (o.isKeyMaterial()) {
          assertThat(o.access()).as("Access").contains("sensitive").doesNotContain("extractable");
        }
        if (o.label().startsWith("trent:")) {
          assertThat(o.id()).as("CKA_ID is a 32-byte material id").matches("^[0-9a-f]{64}$");
        }
      });
    }
  }

  @Test
  void withoutLoginNoKeyMaterialIsVisible() {
    List<Pkcs11Tool.TokenObject> loggedIn = Pkcs11Tool.listObjects();
    List<Pkcs11Tool.TokenObject> visible = Pkcs11Tool.listPublicObjects();

    // Every secret and private key is CKA_PRIVATE: invisible until the user logs in.
    assertThat(visible).as("objects visible without login").noneMatch(Pkcs11Tool.TokenObject::isKeyMaterial);
    List<String> labels = all().stream().map(k -> "trent:" + k.keyId()).toList();
    assertThat(loggedIn).as("the key material of this class's keys, visible after login")
        .filteredOn(o -> o.isKeyMaterial() && labels.contains(o.label())).hasSize(all().size());
  }

  @Test
  void everyTokenAndSessionObjectOfTheServerIsSensitiveAndNotExtractable() {
    List<HsmObject> objects = ServerHsmObjects.of(Trent.server().services().backend(), Trent.TOKEN_LABEL);
    List<HsmObject> tokenObjects = objects.stream().filter(HsmObject::isTokenObject).toList();
    List<HsmObject> sessionObjects = objects.stream().filter(o -> !o.isTokenObject()).toList();

    // The same token objects as pkcs11-tool sees from outside, so neither view misses any.
    assertThat(tokenObjects).as("token objects seen inside the server's process")
        .map(o -> o.label() + "/" + o.id())
        .containsExactlyInAnyOrderElementsOf(Pkcs11Tool.listObjects().stream().map(o -> o.label() + "/" + o.id()).toList());

    for (HsmObject o : objects) {
      KmsAssertions.named(o.toString(), () -> {
        assertThat(o.label()).as("label").matches(TRENT_LABEL + "|^trent-import$|" + SEAL_LABEL);
        if (o.isKeyMaterial()) {
          assertThat(o.attributes()).containsAllEntriesOf(KEY_MATERIAL);
        } else {
          assertThat(o.objectClass()).as("the only other objects are public keys").isEqualTo("CKO_PUBLIC_KEY");
        }
      });
    }

    // Each session object is the one session copy of a symmetric key's token object.
    Map<String, HsmObject> tokenKeyById = tokenObjects.stream().filter(HsmObject::isKeyMaterial)
        .collect(Collectors.toMap(HsmObject::id, Function.identity()));
    assertThat(sessionObjects).as("session objects, one per id").map(HsmObject::id).doesNotHaveDuplicates();
    for (HsmObject copy : sessionObjects) {
      KmsAssertions.named(copy.toString(), () -> {
        assertThat(copy.attributes()).containsEntry("CKA_CLASS", "CKO_SECRET_KEY").containsEntry("CKA_KEY_TYPE", "CKK_AES");
        HsmObject original = tokenKeyById.get(copy.id());
        assertThat(original).as("the token object it is a copy of").isNotNull();
        assertThat(copy.withoutToken()).as("attributes but CKA_TOKEN").isEqualTo(original.withoutToken());
      });
    }

    // The keys of this class: exactly their objects, attribute by attribute.
    for (KeyMetadata k : all()) {
      String spec = k.keySpecAsString();
      KmsAssertions.named(spec + " " + k.keyId(), () -> {
        List<HsmObject> mine = objects.stream().filter(o -> o.label().equals("trent:" + k.keyId())).toList();
        // Locked (uncopyable) keys get no session copy, so each key is its token objects alone.
        List<String> expected = spec.startsWith("RSA") || spec.startsWith("ECC")
            ? List.of("token CKO_PRIVATE_KEY", "token CKO_PUBLIC_KEY")
            : List.of("token CKO_SECRET_KEY");
        assertThat(mine).as("objects").map(o -> (o.isTokenObject() ? "token " : "session ") + o.objectClass())
            .containsExactlyInAnyOrderElementsOf(expected);
        for (HsmObject o : mine) {
          if (o.isKeyMaterial()) {
            assertThat(o.attributes()).as("%s", o).containsAllEntriesOf(KEY_MATERIAL);
            if (k.origin() == OriginType.AWS_KMS) {
              assertThat(o.attributes()).as("%s", o).containsAllEntriesOf(GENERATED_IN_THE_TOKEN);
            }
          }
        }
      });
    }
  }

  static KeyMetadata imported(String spec, KeyUsageType usage, AlgorithmSpec alg) throws Exception {
    KeyMetadata k = Trent.kms().createKey(b -> b.origin(OriginType.EXTERNAL).keySpec(spec).keyUsage(usage)
        .description("KeyMaterialNeverLeavesTheTokenTest imported " + spec)).keyMetadata();
    GetParametersForImportResponse p = Trent.kms().getParametersForImport(b -> b.keyId(k.keyId())
        .wrappingAlgorithm(alg).wrappingKeySpec(WrappingKeySpec.RSA_2048));
    byte[] material = new byte[32];
    new SecureRandom().nextBytes(material);
    java.security.PublicKey pub = ImportKeyMaterialTest.wrappingKey(p);
    byte[] wrapped = alg == AlgorithmSpec.RSAES_OAEP_SHA_1
        ? ImportKeyMaterialTest.wrapOaepSha1(pub, material) : ImportKeyMaterialTest.wrapRsaAesSha1(pub, material);
    Trent.kms().importKeyMaterial(b -> b.keyId(k.keyId()).importToken(p.importToken())
        .encryptedKeyMaterial(SdkBytes.fromByteArray(wrapped))
        .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
    return k;
  }
}
