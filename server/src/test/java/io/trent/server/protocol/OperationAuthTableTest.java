package io.trent.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operation's authorization entry names members its request shape has, with an IAM action of the
 * operation's name (ReEncrypt: kms:ReEncryptFrom for its source; the core asks kms:ReEncryptTo), and
 * the operations AWS authorizes by IAM policy alone name no key [D kdg:kms-api-permissions-reference].
 */
class OperationAuthTableTest {
  private static final Set<String> ACCOUNT_LEVEL = Set.of("CreateKey", "ListKeys", "ListAliases", "GenerateRandom",
      "ListRetirableGrants");

  static Stream<String> operations() {
    return KmsModel.operations().keySet().stream().sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void theEntryNamesTheOperationsActionAndMembersOfItsShape(String operation) {
    OperationAuth auth = KmsModel.authorizations().get(operation);
    Shape shape = KmsModel.operations().get(operation);

    assertThat(auth).as(operation).isNotNull();
    assertThat(auth.action()).isEqualTo(operation.equals("ReEncrypt") ? "kms:ReEncryptFrom" : "kms:" + operation);
    assertThat(auth.keyMember() == null).as("account-level").isEqualTo(ACCOUNT_LEVEL.contains(operation));
    for (String member : Stream.of(auth.keyMember(), auth.contextMember()).filter(m -> m != null).toList()) {
      assertThat(shape.indexOf(member)).as("%s.%s", operation, member).isNotNegative();
    }
    auth.requestKeys().forEach((conditionKey, member) -> {
      assertThat(conditionKey).matches("(kms|aws):[A-Za-z]+");
      assertThat(shape.indexOf(member)).as("%s.%s for %s", operation, member, conditionKey).isNotNegative();
    });
    auth.multiValuedKeys().forEach((conditionKey, member) ->
        assertThat(shape.members().get(shape.indexOf(member)).type()).as("%s.%s", operation, member)
            .isEqualTo(JsonType.STRING_LIST));
    auth.memberNameKeys().forEach((conditionKey, member) ->
        assertThat(shape.members().get(shape.indexOf(member)).type()).as("%s.%s", operation, member)
            .isEqualTo(JsonType.STRUCTURE));
  }
}
