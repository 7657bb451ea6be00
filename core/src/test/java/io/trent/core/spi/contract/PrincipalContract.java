package io.trent.core.spi.contract;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.auth.AccessKey;
import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.error.KmsInternalException;
import io.trent.core.spi.SealedBytes;
import org.junit.jupiter.api.Test;

/** Principals and their access keys, for SigV4. */
interface PrincipalContract extends StoreUnderTest {

  @Test
  default void storesAPrincipalAndReplacesOnlyAGivenPolicy() {
    PrincipalArn arn = PrincipalArn.parse("arn:aws:iam::111122223333:user/alice");
    store().putPrincipal(new Principal(arn, "{\"Version\":\"2012-10-17\",\"Statement\":[]}", T0));

    store().putPrincipal(new Principal(arn, null, T0.plusSeconds(60)));
    assertThat(store().findPrincipal(arn.value()))
        .contains(new Principal(arn, "{\"Version\":\"2012-10-17\",\"Statement\":[]}", T0));

    store().putPrincipal(new Principal(arn, "{\"Statement\":[]}", T0.plusSeconds(120)));
    reopen();
    // The creation time stays the first one.
    assertThat(store().findPrincipal(arn.value())).contains(new Principal(arn, "{\"Statement\":[]}", T0));
    assertThat(store().findPrincipal("arn:aws:iam::111122223333:user/bob")).isEmpty();
  }

  @Test
  default void storesAccessKeysOfEveryPrincipalAndDeletesThemWithIt() {
    PrincipalArn alice = PrincipalArn.parse("arn:aws:iam::111122223333:user/alice");
    PrincipalArn role = PrincipalArn.parse("arn:aws:iam::111122223333:role/app");
    store().putPrincipal(new Principal(alice, null, T0));
    store().putPrincipal(new Principal(role, null, T0));
    AccessKey longTerm = new AccessKey("AKIAEXAMPLE0000001", alice,
        new SealedBytes(bytes(12, 1), bytes(56, 2)), null, null, T0);
    AccessKey temporary = new AccessKey("ASIAEXAMPLE0000002", role,
        new SealedBytes(bytes(12, 3), bytes(56, 4)), bytes(32, 5), T0.plusSeconds(3600), T0.plusSeconds(1));
    store().insertAccessKey(longTerm);
    store().insertAccessKey(temporary);
    reopen();

    assertThat(store().listAccessKeys()).usingRecursiveFieldByFieldElementComparator()
        .containsExactlyInAnyOrder(longTerm, temporary);

    assertThat(store().deletePrincipal(role.value())).isTrue();
    assertThat(store().deletePrincipal(role.value())).isFalse();
    assertThat(store().findPrincipal(role.value())).isEmpty();
    assertThat(store().listAccessKeys()).usingRecursiveFieldByFieldElementComparator().containsExactly(longTerm);
  }

  @Test
  default void refusesAnAccessKeyOfAnUnknownPrincipalOrAReusedId() {
    PrincipalArn alice = PrincipalArn.parse("arn:aws:iam::111122223333:user/alice");
    store().putPrincipal(new Principal(alice, null, T0));
    AccessKey key = new AccessKey("AKIAEXAMPLE0000001", alice, new SealedBytes(bytes(12, 1), bytes(56, 2)), null,
        null, T0);
    store().insertAccessKey(key);

    assertThatThrownBy(() -> store().insertAccessKey(new AccessKey("AKIAEXAMPLE0000009",
        PrincipalArn.parse("arn:aws:iam::111122223333:user/nobody"), key.sealedSecret(), null, null, T0)))
        .isInstanceOf(KmsInternalException.class);
    assertThatThrownBy(() -> store().insertAccessKey(key)).isInstanceOf(KmsInternalException.class);
    assertThat(store().listAccessKeys()).hasSize(1);
  }

  private static byte[] bytes(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (seed * 31 + i);
    }
    return bytes;
  }
}
