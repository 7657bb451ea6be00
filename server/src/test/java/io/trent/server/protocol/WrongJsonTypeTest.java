package io.trent.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzer-style, table-driven: for every operation and every request member (nested ones too),
 * each JSON value of another type is a 400 SerializationException, never a 500 and never
 * accepted; a value of the right type is not.
 */
class WrongJsonTypeTest {
  /** JSON values of every kind, including wrong items inside maps and lists. */
  static final List<String> SAMPLES = List.of("\"x\"", "\"AAAA\"", "0", "1", "-7", "1.5", "1e3", "12345678901234567890",
      "true", "false", "{}", "{\"a\":\"b\"}", "{\"a\":1}", "{\"a\":null}", "{\"a\":{}}", "[]", "[\"x\"]", "[1]",
      "[null]", "[[]]", "[{}]", "[\"AAAA\"]");

  /** Which samples each type accepts; every other sample must be refused. */
  static final Map<JsonType, List<String>> ACCEPTED = Map.of(
      JsonType.STRING, List.of("\"x\"", "\"AAAA\""),
      JsonType.BLOB, List.of("\"AAAA\""),
      JsonType.INTEGER, List.of("0", "1", "-7"),
      JsonType.TIMESTAMP, List.of("0", "1", "-7", "1.5", "1e3"),
      JsonType.BOOLEAN, List.of("true", "false"),
      JsonType.STRING_MAP, List.of("{}", "{\"a\":\"b\"}"),
      JsonType.STRING_LIST, List.of("[]", "[\"x\"]", "[\"AAAA\"]"),
      JsonType.STRUCTURE, List.of("{}"),
      JsonType.STRUCTURE_LIST, List.of("[]", "[{}]"));

  static ProtocolHarness harness;

  @BeforeAll
  static void start(@TempDir Path dir) {
    harness = new ProtocolHarness(dir);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  /** (operation, JSON path to the member, the member) for every member, nested ones inside a one-item body. */
  static Stream<Arguments> members() {
    List<Arguments> all = new ArrayList<>();
    KmsModel.operations().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(op -> {
      for (Member m : op.getValue().members()) {
        all.add(Arguments.of(op.getKey(), m.name(), m, "{\"" + m.name() + "\":%s}"));
        if (m.shape() != null) {
          String open = m.type() == JsonType.STRUCTURE_LIST ? "[{" : "{";
          String close = m.type() == JsonType.STRUCTURE_LIST ? "}]" : "}";
          for (Member inner : m.shape().members()) {
            all.add(Arguments.of(op.getKey(), m.name() + "." + inner.name(), inner,
                "{\"" + m.name() + "\":" + open + "\"" + inner.name() + "\":%s" + close + "}"));
          }
        }
      }
    });
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("members")
  void everyOtherJsonTypeIsASerializationException(String operation, String path, Member member, String template) {
    for (String sample : SAMPLES) {
      int hsmCallsBefore = harness.hsmCalls();
      ProtocolHarness.Outcome outcome = harness.call(operation, String.format(template, sample));
      if (ACCEPTED.get(member.type()).contains(sample)) {
        assertThat(outcome.errorType()).as("%s %s = %s: %s", operation, path, sample, outcome.body())
            .isNotEqualTo("SerializationException");
      } else {
        assertThat(outcome.status()).as("%s %s = %s: %s", operation, path, sample, outcome.body()).isEqualTo(400);
        assertThat(outcome.errorType()).as("%s %s = %s", operation, path, sample).isEqualTo("SerializationException");
        // "Value of Tags.TagKey must be a string", or "Recipient.a is not a member of RecipientInfo"
        assertThat(outcome.message()).as("%s %s = %s", operation, path, sample).contains(path);
        assertThat(harness.hsmCalls()).as("refused before any HSM work").isEqualTo(hsmCallsBefore);
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("members")
  void nullIsAnAbsentMember(String operation, String path, Member member, String template) {
    ProtocolHarness.Outcome outcome = harness.call(operation, String.format(template, "null"));
    assertThat(outcome.errorType()).as("%s %s = null: %s", operation, path, outcome.body())
        .isNotEqualTo("SerializationException");
  }
}
