package io.trent.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Dev mode serves the region of the Authorization header's credential scope, and only a region name. */
class SigV4ShapeRegionTest {
  private static final String SIGNED = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240506/%s/kms/aws4_request, "
      + "SignedHeaders=host;x-amz-date, Signature=0123";

  @Test
  void theRegionIsTheCredentialScopes() {
    assertThat(SigV4Shape.scopeRegion(SIGNED.formatted("us-west-2"))).isEqualTo("us-west-2");
    assertThat(SigV4Shape.scopeRegion(SIGNED.formatted("eu-central-1").replace(", ", ","))).isEqualTo("eu-central-1");
  }

  @Test
  void withoutAScopedRegionThereIsNone() {
    assertThat(SigV4Shape.scopeRegion(null)).isNull();
    assertThat(SigV4Shape.scopeRegion(SIGNED.formatted(""))).isNull();
    assertThat(SigV4Shape.scopeRegion(SIGNED.formatted("US-WEST-2"))).isNull();
    assertThat(SigV4Shape.scopeRegion(SIGNED.formatted("us-west-2'; drop"))).isNull();
    assertThat(SigV4Shape.scopeRegion(SIGNED.formatted("r".repeat(65)))).isNull();
    assertThat(SigV4Shape.scopeRegion("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240506/us-west-2, Signature=1"))
        .isNull();
  }
}
