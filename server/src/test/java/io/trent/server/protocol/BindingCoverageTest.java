package io.trent.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.error.KmsException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No request member is silently ignored: with every bound member of an operation present, its
 * binding reads them all into the core request (refused members never get that far, and the one
 * member accepted without effect is listed as such in {@link KmsModel}).
 */
class BindingCoverageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A value of each type that passes the shape check. */
  private static final Map<JsonType, String> VALID = Map.of(
      JsonType.STRING, "\"x\"", JsonType.INTEGER, "1", JsonType.BOOLEAN, "false", JsonType.BLOB, "\"AAAA\"",
      JsonType.TIMESTAMP, "1", JsonType.STRING_MAP, "{\"a\":\"b\"}", JsonType.STRING_LIST, "[\"x\"]",
      JsonType.STRUCTURE, "{}", JsonType.STRUCTURE_LIST, "[{\"TagKey\":\"k\",\"TagValue\":\"v\"}]");

  static ProtocolHarness harness;

  @BeforeAll
  static void start(@TempDir Path dir) {
    harness = new ProtocolHarness(dir);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  static Stream<String> operations() {
    return KmsModel.operations().keySet().stream().sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void everyBoundMemberIsRead(String operation) throws Exception {
    Shape shape = KmsModel.operations().get(operation);
    ObjectNode body = JSON.createObjectNode();
    for (Member m : shape.members()) {
      if (m.use() == Member.Use.BOUND) {
        body.set(m.name(), JSON.readTree(VALID.get(m.type())));
      }
    }
    JsonRequest request = shape.check(body, null);

    try {
      harness.protocol.handler(operation).handle(ProtocolHarness.ROOT, request);
    } catch (KmsException | ProtocolHarness.HsmCallRefused expected) {
      // Validation, lookup or the absent HSM stops the operation; the binding has run by then.
    }

    assertThat(request.unreadMembers()).as(operation).isEmpty();
  }
}
