package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.DataKeyPairSpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * docs/ciphertext-format.md against real ciphertexts: the layout table (offsets, sizes, the version
 * and algorithm bytes, the key and material ids), the size of a 32-byte data key's blob and the AAD
 * size are read from the doc and checked against what the server returns, so the doc cannot drift.
 */
@ExtendWith(TrentExtension.class)
class CiphertextFormatTest {

  /** One row of the doc's layout table; offset and size may be written in terms of n. */
  record Field(String offset, String size, String description) {
    int offset(int n) {
      return eval(offset, n);
    }

    int size(int n) {
      return eval(size, n);
    }

    private static int eval(String expression, int n) {
      int total = 0;
      for (String term : expression.split("\\+")) {
        total += term.equals("n") ? n : Integer.parseInt(term);
      }
      return total;
    }
  }

  static String doc;
  static Map<String, Field> layout;
  static KeyMetadata key;

  @BeforeAll
  static void readTheDoc() throws IOException {
    // target/ -> softhsm-it/ -> the repository root
    Path file = Trent.buildDir().getParent().getParent().resolve("docs").resolve("ciphertext-format.md");
    doc = Files.readString(file, StandardCharsets.UTF_8);
    layout = new LinkedHashMap<>();
    int table = doc.indexOf("offset  size  field");
    Pattern row = Pattern.compile("^ *(\\d+(?:\\+n)?) +(\\d+|n) +(\\S+(?: \\S+)*)(?: {2,}(.*))?$");
    for (String line : doc.substring(table, doc.indexOf("```", table)).split("\n")) {
      Matcher m = row.matcher(line);
      if (m.matches()) {
        layout.put(m.group(3), new Field(m.group(1), m.group(2), m.group(4) == null ? "" : m.group(4)));
      }
    }
    assertThat(layout).as("the doc's layout table").containsOnlyKeys(
        "version", "algorithm", "KMS key id", "key material id", "IV", "ciphertext", "GCM tag");
    key = Trent.newKey("CiphertextFormatTest");
  }

  @Test
  void theLayoutTableDescribesAnEncryptCiphertext() {
    byte[] plaintext = "seven b".getBytes(StandardCharsets.UTF_8);
    int n = plaintext.length;
    SdkBytes blob = Trent.kms().encrypt(b -> b.keyId(key.keyId()).plaintext(SdkBytes.fromByteArray(plaintext)))
        .ciphertextBlob();

    checkLayout(blob.asByteArray(), n, Wire.currentMaterial(key.keyId()));
    assertThat(Wire.decryptMaterial(blob)).isEqualTo(Wire.currentMaterial(key.keyId()));
  }

  @Test
  void aThirtyTwoByteDataKeyGivesTheDocumentedBlobLength() {
    Matcher m = Pattern.compile("A 32-byte data key therefore gives a (\\d+)-byte blob").matcher(doc);
    assertThat(m.find()).as("the doc states the blob size of a 32-byte data key").isTrue();
    int documented = Integer.parseInt(m.group(1));

    byte[] blob = Trent.kms().generateDataKey(b -> b.keyId(key.keyId()).numberOfBytes(32)).ciphertextBlob().asByteArray();

    assertThat(blob.length).as("length of the CiphertextBlob of a 32-byte data key").isEqualTo(documented);
    checkLayout(blob, 32, Wire.currentMaterial(key.keyId()));
  }

  @Test
  void thePrivateKeyCiphertextBlobOfADataKeyPairHasTheSameFormat() {
    GenerateDataKeyPairResponse r = Trent.kms().generateDataKeyPair(b -> b.keyId(key.keyId())
        .keyPairSpec(DataKeyPairSpec.ECC_NIST_P256));

    checkLayout(r.privateKeyCiphertextBlob().asByteArray(), r.privateKeyPlaintext().asByteArray().length,
        Wire.currentMaterial(key.keyId()));
  }

  @Test
  void theDocumentedAadSizeIsTheHeaderAndASha256() {
    Matcher m = Pattern.compile("The AAD has a fixed size of (\\d+) bytes").matcher(doc);
    assertThat(m.find()).as("the doc states the AAD size").isTrue();
    // AAD = header (everything before the IV) || SHA-256 of the encryption context (32 bytes).
    assertThat(Integer.parseInt(m.group(1))).isEqualTo(layout.get("IV").offset(0) + 32);
    assertThat(doc).contains("AAD = header (bytes 0.." + (layout.get("IV").offset(0) - 1) + " of the blob)");
  }

  /** Checks a blob of an n-byte plaintext against every row of the doc's table. */
  static void checkLayout(byte[] blob, int n, String materialHex) {
    int expectedOffset = 0;
    for (Map.Entry<String, Field> e : layout.entrySet()) {
      assertThat(e.getValue().offset(n)).as("offset of %s follows the previous field", e.getKey())
          .isEqualTo(expectedOffset);
      expectedOffset += e.getValue().size(n);
    }
    assertThat(blob.length).as("length of the blob of a %d-byte plaintext: the sum of the documented sizes", n)
        .isEqualTo(expectedOffset);

    assertThat(field(blob, "version", n)).containsExactly(0x01);
    assertThat(layout.get("version").description()).isEqualTo("0x01");
    assertThat(field(blob, "algorithm", n)).containsExactly(0x01);
    assertThat(layout.get("algorithm").description()).startsWith("0x01 = AES-256-GCM, 96-bit IV, 128-bit tag");
    UUID keyId = UUID.fromString(key.keyId());
    assertThat(field(blob, "KMS key id", n)).as("the key's UUID, big-endian").isEqualTo(
        ByteBuffer.allocate(16).putLong(keyId.getMostSignificantBits()).putLong(keyId.getLeastSignificantBits()).array());
    assertThat(HexFormat.of().formatHex(field(blob, "key material id", n))).isEqualTo(materialHex);
    assertThat(field(blob, "IV", n)).hasSize(12);
    assertThat(field(blob, "ciphertext", n)).hasSize(n);
    assertThat(field(blob, "GCM tag", n)).hasSize(16);
    assertThat(List.of(layout.get("IV").size(n), layout.get("GCM tag").size(n)))
        .as("96-bit IV and 128-bit tag, as the algorithm byte says").containsExactly(12, 16);
  }

  static byte[] field(byte[] blob, String name, int n) {
    Field f = layout.get(name);
    return Arrays.copyOfRange(blob, f.offset(n), f.offset(n) + f.size(n));
  }
}
