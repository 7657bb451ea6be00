package io.trent.it;

import static io.trent.it.KmsAssertions.expectInvalidCiphertext;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/** The encryption context is bound exactly (as AAD): any difference is InvalidCiphertextException. */
@ExtendWith(TrentExtension.class)
class EncryptionContextTest {
  static final SdkBytes PLAINTEXT = SdkBytes.fromString("context-bound secret", StandardCharsets.UTF_8);
  static KmsClient kms;
  static KeyMetadata key;
  static SdkBytes blob;
  static Map<String, String> ctx;

  @BeforeAll
  static void setUp() {
    kms = Trent.kms();
    key = Trent.newKey("EncryptionContextTest");
    ctx = new LinkedHashMap<>();
    ctx.put("Department", "Finance");
    ctx.put("project", "trent");
    ctx.put("tenant", "acme-0001");
    blob = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(PLAINTEXT).encryptionContext(ctx)).ciphertextBlob();
  }

  static void assertRejected(Map<String, String> wrong) {
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(wrong)));
  }

  @Test
  void exactContextDecrypts() {
    assertThat(kms.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(ctx)).plaintext()).isEqualTo(PLAINTEXT);
  }

  @Test
  void keyOrderDoesNotMatter() {
    Map<String, String> reversed = new LinkedHashMap<>();
    reversed.put("tenant", "acme-0001");
    reversed.put("project", "trent");
    reversed.put("Department", "Finance");
    assertThat(kms.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(reversed)).plaintext()).isEqualTo(PLAINTEXT);
    // The same, on the wire, with the JSON members in another order.
    String b64 = java.util.Base64.getEncoder().encodeToString(blob.asByteArray());
    RawKms.Response r =
        RawKms.call(
            "Decrypt",
            "{\"EncryptionContext\":{\"tenant\":\"acme-0001\",\"Department\":\"Finance\",\"project\":\"trent\"},"
                + "\"CiphertextBlob\":\"" + b64 + "\"}");
    assertThat(r.status()).as("%s", r).isEqualTo(200);
  }

  @Test
  void noContextIsRejected() {
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(blob)));
    assertRejected(Map.of());
  }

  @Test
  void aValueDifferingInOneByteIsRejected() {
    Map<String, String> wrong = new LinkedHashMap<>(ctx);
    wrong.put("tenant", "acme-0002");
    assertRejected(wrong);
  }

  @Test
  void aKeyDifferingInCaseIsRejected() {
    Map<String, String> wrong = new LinkedHashMap<>(ctx);
    wrong.remove("Department");
    wrong.put("department", "Finance");
    assertRejected(wrong);
  }

  @Test
  void aValueDifferingInCaseIsRejected() {
    Map<String, String> wrong = new LinkedHashMap<>(ctx);
    wrong.put("Department", "finance");
    assertRejected(wrong);
  }

  @Test
  void anExtraPairIsRejected() {
    Map<String, String> wrong = new LinkedHashMap<>(ctx);
    wrong.put("extra", "pair");
    assertRejected(wrong);
  }

  @Test
  void aMissingPairIsRejected() {
    Map<String, String> wrong = new LinkedHashMap<>(ctx);
    wrong.remove("project");
    assertRejected(wrong);
  }

  @Test
  void aSwappedSplitBetweenKeyAndValueIsRejected() {
    SdkBytes b1 =
        kms.encrypt(b -> b.keyId(key.keyId()).plaintext(PLAINTEXT).encryptionContext(Map.of("a", "bc"))).ciphertextBlob();
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(b1).encryptionContext(Map.of("ab", "c"))));
    assertThat(kms.decrypt(b -> b.ciphertextBlob(b1).encryptionContext(Map.of("a", "bc"))).plaintext()).isEqualTo(PLAINTEXT);

    SdkBytes b2 =
        kms.encrypt(b -> b.keyId(key.keyId()).plaintext(PLAINTEXT).encryptionContext(Map.of("ab", "c"))).ciphertextBlob();
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(b2).encryptionContext(Map.of("a", "bc"))));

    // Pairs that concatenate to the same string.
    SdkBytes b3 =
        kms.encrypt(
                b -> b.keyId(key.keyId()).plaintext(PLAINTEXT).encryptionContext(Map.of("k1", "v1k2", "x", "y")))
            .ciphertextBlob();
    expectInvalidCiphertext(
        () -> kms.decrypt(b -> b.ciphertextBlob(b3).encryptionContext(Map.of("k1", "v1", "k2x", "y"))));
  }

  @Test
  void ciphertextMadeWithoutContextNeedsNoContext() {
    SdkBytes plain = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(PLAINTEXT)).ciphertextBlob();
    assertThat(kms.decrypt(b -> b.ciphertextBlob(plain)).plaintext()).isEqualTo(PLAINTEXT);
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(plain).encryptionContext(Map.of("a", "b"))));
  }

  @Test
  void unicodeContextRoundTrips() {
    Map<String, String> uctx = Map.of("clé", "värde ✓", "日本", "語");
    SdkBytes u = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(PLAINTEXT).encryptionContext(uctx)).ciphertextBlob();
    assertThat(kms.decrypt(b -> b.ciphertextBlob(u).encryptionContext(uctx)).plaintext()).isEqualTo(PLAINTEXT);
    expectInvalidCiphertext(
        () -> kms.decrypt(b -> b.ciphertextBlob(u).encryptionContext(Map.of("clé", "värde ✗", "日本", "語"))));
  }
}
