package io.trent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine runs on every request: policies are compiled once, and nothing in evaluation compiles a regex.
 * Not a benchmark; a sanity bound far above the expected cost.
 */
class EvaluationCostTest {
  @Test
  void noClassOfTheEngineUsesRegex() throws IOException {
    Path classes = Path.of(CompiledPolicy.class.getProtectionDomain().getCodeSource().getLocation().getPath(), "io", "trent", "policy");
    try (Stream<Path> files = Files.list(classes)) {
      List<Path> all = files.filter(f -> f.toString().endsWith(".class")).toList();
      assertThat(all).hasSizeGreaterThan(10);
      for (Path f : all) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(bytes).as(f.getFileName().toString()).doesNotContain("java/util/regex");
      }
    }
  }

  @Test
  void aTypicalDecisionIsCheap() {
    String keyPolicy = """
        {"Version":"2012-10-17","Statement":[
          {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
          {"Sid":"Admins","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/Admin"]},
           "Action":["kms:Create*","kms:Describe*","kms:Enable*","kms:List*","kms:Put*","kms:Update*","kms:Revoke*","kms:Disable*","kms:Get*",
                     "kms:Delete*","kms:TagResource","kms:UntagResource","kms:ScheduleKeyDeletion","kms:CancelKeyDeletion"],"Resource":"*"},
          {"Sid":"Use","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/App"},
           "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*",
           "Condition":{"StringEquals":{"kms:EncryptionContext:AppName":"ExampleApp","kms:ViaService":"s3.us-east-1.amazonaws.com"},
                        "ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["AppName","Stage"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
          {"Sid":"NoDelete","Effect":"Deny","Principal":"*","Action":"kms:ScheduleKeyDeletion","Resource":"*",
           "Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Admin*"}}}
        ]}""";
    CompiledPolicy key = CompiledPolicy.compile(PolicyParser.parseKeyPolicy(keyPolicy));
    RequestContext ctx = RequestContext.builder().principal("arn:aws:iam::111122223333:role/App", "111122223333")
        .action("kms:Decrypt").resource("arn:aws:kms:us-east-1:111122223333:key/k", "111122223333")
        .encryptionContext(Map.of("AppName", "ExampleApp")).key("kms:ViaService", "s3.us-east-1.amazonaws.com")
        .key("aws:SourceIp", "10.20.30.40").build();
    int n = 200_000;
    long start = System.nanoTime();
    int allowed = 0;
    for (int i = 0; i < n; i++) {
      if (KeyAccessEvaluator.evaluate(key, List.of(), List.of(), ctx).allowed()) {
        allowed++;
      }
    }
    long perDecisionNanos = (System.nanoTime() - start) / n;
    assertThat(allowed).isEqualTo(n);
    // Expected well under 2 µs on a laptop; 100 µs leaves room for a loaded CI machine and the JIT warming up.
    assertThat(perDecisionNanos).isLessThan(100_000);
  }
}
