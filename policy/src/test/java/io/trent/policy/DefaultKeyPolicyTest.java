package io.trent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultKeyPolicyTest {
  @Test
  void textIsExactlyWhatGetKeyPolicyReturns() {
    // Reference §2.1 [D API_GetKeyPolicy example; M botocore examples-1.json; S localstack snapshot ReplicaPolicy].
    assertThat(DefaultKeyPolicy.text("111122223333")).isEqualTo(
        "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n"
            + "    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n"
            + "      \"AWS\" : \"arn:aws:iam::111122223333:root\"\n    },\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}");
  }

  @Test
  void otherPartitionsUseTheirAccountPrincipal() {
    assertThat(DefaultKeyPolicy.text("aws-cn", "111122223333")).contains("\"AWS\" : \"arn:aws-cn:iam::111122223333:root\"");
    assertThatThrownBy(() -> DefaultKeyPolicy.text("1111")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesAsOneAccountDelegationStatement() {
    PolicyDocument doc = DefaultKeyPolicy.document("111122223333");
    assertThat(doc.id()).isEqualTo("key-default-1");
    assertThat(doc.statements()).singleElement().satisfies(s -> {
      assertThat(s.sid()).isEqualTo("Enable IAM User Permissions");
      assertThat(s.effect()).isEqualTo(Effect.ALLOW);
      assertThat(s.principals().aws()).containsExactly("arn:aws:iam::111122223333:root");
      assertThat(s.actions()).containsExactly("kms:*");
      assertThat(s.resources()).containsExactly("*");
    });
    assertThat(PolicyParser.awsPrincipalArns(doc)).isEqualTo(List.of("arn:aws:iam::111122223333:root"));
  }
}
