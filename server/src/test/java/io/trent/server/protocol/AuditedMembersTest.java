package io.trent.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The audit trail's requestParameters come from the operation table, and no secret member reaches them: every
 * operation, with every member set to a recognisable value, logs only members the table marks as audited, under
 * their camelCase names, and never a blob (plaintext, ciphertext, message, signature, MAC, import token, wrapped
 * key material, attestation document) or a grant token. Members Trent refuses stop the request before its
 * parameters are read, so they are never logged either.
 */
class AuditedMembersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Never logged, whatever their type [reference §4.2]. */
  private static final Set<String> SECRET = Set.of("Plaintext", "CiphertextBlob", "Message", "Signature", "Mac",
      "GrantTokens", "ImportToken", "EncryptedKeyMaterial", "AttestationDocument", "PublicKey", "PrivateKey");
  private static final String MARK = "c2VjcmV0LXZhbHVl"; // base64, also a valid string for every text member

  static Stream<String> operations() {
    return KmsModel.operations().keySet().stream().sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void noSecretMemberIsLogged(String operation) throws Exception {
    Shape shape = KmsModel.operations().get(operation);
    List<String> secretsSet = new ArrayList<>();
    ObjectNode body = body(shape, secretsSet);
    JsonRequest request = shape.check(body, null);

    ObjectNode logged = request.auditParameters();

    for (Member m : shape.members()) {
      if (m.type() == JsonType.BLOB || SECRET.contains(m.name())) {
        assertThat(m.auditName()).as("%s.%s must not be audited", operation, m.name()).isNull();
      } else {
        assertThat(m.auditName()).as("%s.%s", operation, m.name()).isEqualTo(Member.camelCase(m.name()));
        if (m.use() != Member.Use.REFUSED) {
          assertThat(logged.has(m.auditName())).as("%s logs %s", operation, m.auditName()).isTrue();
        }
      }
    }
    assertNoSecretIsAudited(operation, shape);
    for (String secret : secretsSet) {
      assertThat(logged.toString()).as("%s logs a secret member's value", operation).doesNotContain(secret);
    }
  }

  /** The table itself, nested structures (Recipient's AttestationDocument) included. */
  private static void assertNoSecretIsAudited(String path, Shape shape) {
    for (Member m : shape.members()) {
      if (m.type() == JsonType.BLOB || SECRET.contains(m.name())) {
        assertThat(m.auditName()).as("%s.%s must not be audited", path, m.name()).isNull();
      }
      if (m.shape() != null) {
        assertNoSecretIsAudited(path + "." + m.name(), m.shape());
      }
    }
  }

  /** Every member present; each secret member holds a distinct value that must not appear in the log. */
  private static ObjectNode body(Shape shape, List<String> secretsSet) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    for (Member m : shape.members()) {
      if (m.use() == Member.Use.REFUSED) {
        continue; // refused before anything is logged (the event then has no requestParameters)
      }
      boolean secret = m.type() == JsonType.BLOB || SECRET.contains(m.name());
      String value = secret ? secretValue(secretsSet) : "x";
      switch (m.type()) {
        case STRING -> body.put(m.name(), value);
        case BLOB -> body.put(m.name(), value);
        case INTEGER -> body.put(m.name(), 1);
        case BOOLEAN -> body.put(m.name(), true);
        case TIMESTAMP -> body.put(m.name(), 1);
        case STRING_MAP -> body.set(m.name(), JSON.valueToTree(Map.of("k", value)));
        case STRING_LIST -> body.set(m.name(), JSON.valueToTree(List.of(value)));
        case STRUCTURE -> body.set(m.name(), body(m.shape(), secretsSet));
        case STRUCTURE_LIST -> body.putArray(m.name()).add(body(m.shape(), secretsSet));
        default -> throw new IllegalStateException(m.type().name());
      }
    }
    return body;
  }

  private static String secretValue(List<String> secretsSet) {
    String value = MARK + "AAAA".repeat(secretsSet.size() + 1);
    secretsSet.add(value);
    return value;
  }
}
