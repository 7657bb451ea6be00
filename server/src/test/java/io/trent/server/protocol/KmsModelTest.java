package io.trent.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;

/**
 * Every request shape in {@link KmsModel} is the AWS SDK for Java v2 model's (member names and
 * JSON types, nested structures included), plus the members newer than that SDK, listed here.
 */
class KmsModelTest {
  /**
   * Request members of the current KMS model that SDK 2.29 does not have yet [AWS KMS API
   * reference and aws-sdk-rust 1.105 DecryptInput/ImportKeyMaterialInput/ListKeyRotationsInput].
   * When the SDK is upgraded and has them, this test fails until they are removed from here.
   */
  static final Map<String, Set<String>> NEWER_THAN_SDK = Map.of(
      "Decrypt", Set.of("DryRunModifiers"),
      "ReEncrypt", Set.of("DryRunModifiers"),
      "ImportKeyMaterial", Set.of("ImportType", "KeyMaterialDescription", "KeyMaterialId"),
      "DeleteImportedKeyMaterial", Set.of("KeyMaterialId"),
      "ListKeyRotations", Set.of("IncludeKeyMaterial"));

  static Stream<String> operations() {
    return KmsModel.operations().keySet().stream().sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void requestShapeIsTheSdkModelPlusNewerMembers(String operation) throws ReflectiveOperationException {
    Class<?> request = Class.forName("software.amazon.awssdk.services.kms.model." + operation + "Request");
    List<SdkField<?>> sdk = ((SdkPojo) request.getMethod("builder").invoke(null)).sdkFields();
    Shape shape = KmsModel.operations().get(operation);
    Set<String> newer = NEWER_THAN_SDK.getOrDefault(operation, Set.of());

    Map<String, String> expected = describe(sdk);
    Map<String, String> actual = describe(shape);
    for (String member : newer) {
      assertThat(expected).as("%s.%s is in the SDK now: drop it from NEWER_THAN_SDK", operation, member)
          .doesNotContainKey(member);
      assertThat(actual).as("%s.%s", operation, member).containsKey(member);
      expected.put(member, actual.get(member));
    }
    assertThat(actual).as(operation).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void everyOperationTheProtocolServesHasAShapeAndViceVersa(@TempDir Path dir) {
    // The constructor refuses a mismatch; this proves it builds with the real bindings.
    try (ProtocolHarness harness = new ProtocolHarness(dir)) {
      assertThat(harness.protocol).isNotNull();
    }
  }

  @Test
  void newerMembersAreRefusedOrSupportedDeliberately() {
    NEWER_THAN_SDK.forEach((operation, members) -> {
      Shape shape = KmsModel.operations().get(operation);
      for (String name : members) {
        Member m = shape.members().get(shape.indexOf(name));
        assertThat(m.use()).as("%s.%s", operation, name).isEqualTo(Member.Use.REFUSED);
        assertThat(m.note()).as("%s.%s", operation, name).contains(name).endsWith(".");
      }
    });
  }

  private static Map<String, String> describe(List<SdkField<?>> fields) {
    Map<String, String> out = new LinkedHashMap<>();
    for (SdkField<?> f : fields) {
      out.put(f.locationName(), sdkType(f));
    }
    return out;
  }

  private static String sdkType(SdkField<?> f) {
    MarshallingType<?> t = f.marshallingType();
    if (t == MarshallingType.STRING) {
      return "STRING";
    } else if (t == MarshallingType.INTEGER) {
      return "INTEGER";
    } else if (t == MarshallingType.BOOLEAN) {
      return "BOOLEAN";
    } else if (t == MarshallingType.SDK_BYTES) {
      return "BLOB";
    } else if (t == MarshallingType.INSTANT) {
      return "TIMESTAMP";
    } else if (t == MarshallingType.MAP) {
      SdkField<?> value = f.getTrait(MapTrait.class).valueFieldInfo();
      return value.marshallingType() == MarshallingType.STRING ? "STRING_MAP" : "MAP of " + sdkType(value);
    } else if (t == MarshallingType.LIST) {
      SdkField<?> item = f.getTrait(ListTrait.class).memberFieldInfo();
      if (item.marshallingType() == MarshallingType.STRING) {
        return "STRING_LIST";
      }
      return item.marshallingType() == MarshallingType.SDK_POJO ? "STRUCTURE_LIST" + nested(item) : "LIST of " + sdkType(item);
    } else if (t == MarshallingType.SDK_POJO) {
      return "STRUCTURE" + nested(f);
    }
    return "unmapped " + t;
  }

  private static String nested(SdkField<?> f) {
    return describe(((SdkPojo) f.constructor().get()).sdkFields()).toString();
  }

  private static Map<String, String> describe(Shape shape) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Member m : shape.members()) {
      String type = m.type().name();
      if (m.shape() != null) {
        type += describe(m.shape()).toString();
      }
      out.put(m.name(), type);
    }
    return out;
  }
}
