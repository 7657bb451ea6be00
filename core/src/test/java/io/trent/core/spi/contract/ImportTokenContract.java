package io.trent.core.spi.contract;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.KmsInternalException;
import io.trent.core.key.ImportToken;
import io.trent.core.key.WrappingAlgorithm;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.testing.SampleKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GetParametersForImport's tokens: storage, expiry, retirement. */
interface ImportTokenContract extends StoreUnderTest {
  Instant NOW = Instant.parse("2025-03-04T05:06:07.000008Z");

  @Test
  default void roundTripsEveryAlgorithmAndSpec() {
    givenTwoKeys();
    List<ImportToken> tokens = new ArrayList<>();
    int i = 0;
    for (WrappingAlgorithm algorithm : WrappingAlgorithm.values()) {
      for (WrappingKeySpec spec : WrappingKeySpec.values()) {
        tokens.add(new ImportToken(tokenId(i), i % 2 == 0 ? "byok-1" : "byok-2", HexFormat.of().formatHex(
            SampleKeys.materialId(i).toBytes()), algorithm, spec, NOW.plus(Duration.ofHours(24 + i))));
        i++;
      }
    }

    tokens.forEach(store()::insertImportToken);

    for (ImportToken token : tokens) {
      assertThat(store().findImportToken(token.tokenId())).contains(token);
    }
  }

  @Test
  default void findsNothingForAnUnknownToken() {
    givenTwoKeys();
    assertThat(store().findImportToken(tokenId(1))).isEmpty();
  }

  @Test
  default void deleteRemovesTheTokenAndIgnoresAnAbsentOne() {
    givenTwoKeys();
    ImportToken kept = token(1, "byok-1", NOW);
    ImportToken deleted = token(2, "byok-1", NOW);
    store().insertImportToken(kept);
    store().insertImportToken(deleted);

    store().deleteImportToken(deleted.tokenId());
    store().deleteImportToken(deleted.tokenId());
    store().deleteImportToken(tokenId(3));

    assertThat(store().findImportToken(deleted.tokenId())).isEmpty();
    assertThat(store().findImportToken(kept.tokenId())).contains(kept);
  }

  @Test
  default void expiredTokensAreThoseValidUntilNowOrEarlierSoonestFirst() {
    givenTwoKeys();
    ImportToken dueNow = token(1, "byok-1", NOW);
    ImportToken later = token(2, "byok-1", NOW.plusNanos(1_000));
    ImportToken longAgo = token(3, "byok-2", NOW.minus(Duration.ofDays(2)));
    ImportToken tomorrow = token(4, "byok-2", NOW.plus(Duration.ofDays(1)));
    ImportToken yesterday = token(5, "byok-1", NOW.minus(Duration.ofDays(1)));
    List.of(dueNow, later, longAgo, tomorrow, yesterday).forEach(store()::insertImportToken);

    assertThat(store().findExpiredImportTokens(NOW)).containsExactly(longAgo, yesterday, dueNow);
    assertThat(store().findExpiredImportTokens(NOW.minus(Duration.ofDays(3)))).isEmpty();

    store().deleteImportToken(longAgo.tokenId());
    assertThat(store().findExpiredImportTokens(NOW.plus(Duration.ofDays(1))))
        .containsExactly(yesterday, dueNow, later, tomorrow);
  }

  @Test
  default void retiredTokensAreKeptButNoLongerExpiredWork() {
    givenTwoKeys();
    ImportToken expired = token(1, "byok-1", NOW.minus(Duration.ofHours(1)));
    ImportToken alsoExpired = token(2, "byok-2", NOW.minus(Duration.ofHours(2)));
    store().insertImportToken(expired);
    store().insertImportToken(alsoExpired);

    store().retireImportToken(expired.tokenId());
    store().retireImportToken(tokenId(9)); // absent: a no-op

    assertThat(store().findExpiredImportTokens(NOW)).containsExactly(alsoExpired);
    assertThat(store().findImportToken(expired.tokenId())).contains(expired);
    reopen();
    assertThat(store().findExpiredImportTokens(NOW)).containsExactly(alsoExpired);
    assertThat(store().findImportToken(expired.tokenId())).contains(expired);
  }

  @Test
  default void tokensPersistAcrossReopen() {
    givenTwoKeys();
    ImportToken token = token(1, "byok-2", NOW);
    store().insertImportToken(token);
    reopen();

    assertThat(store().findImportToken(token.tokenId())).contains(token);
    assertThat(store().findExpiredImportTokens(NOW)).containsExactly(token);
  }

  @Test
  default void refusesATokenOfAnUnknownKeyOrAReusedId() {
    givenTwoKeys();
    store().insertImportToken(token(1, "byok-1", NOW));

    assertThatThrownBy(() -> store().insertImportToken(token(2, "no-such-key", NOW)))
        .isInstanceOf(KmsInternalException.class);
    assertThatThrownBy(() -> store().insertImportToken(token(1, "byok-2", NOW.plusSeconds(1))))
        .isInstanceOf(KmsInternalException.class);
    assertThat(store().findImportToken(tokenId(2))).isEmpty();
    assertThat(store().findImportToken(tokenId(1))).contains(token(1, "byok-1", NOW));
  }

  @Test
  default void findsEveryTokenOfAKeyRetiredOrNot() {
    givenTwoKeys();
    ImportToken live = token(1, "byok-1", NOW.plusSeconds(60));
    ImportToken retired = token(2, "byok-1", NOW);
    ImportToken other = token(3, "byok-2", NOW.plusSeconds(60));
    List.of(live, retired, other).forEach(store()::insertImportToken);
    store().retireImportToken(retired.tokenId());

    assertThat(store().findImportTokensOfKey("byok-1")).containsExactlyInAnyOrder(live, retired);
    assertThat(store().findImportTokensOfKey("byok-2")).containsExactly(other);
    assertThat(store().findImportTokensOfKey("no-such-key")).isEmpty();
  }

  private static ImportToken token(int seed, String keyId, Instant validTo) {
    return new ImportToken(tokenId(seed), keyId, "wrapping-" + seed, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256,
        WrappingKeySpec.RSA_4096, validTo);
  }

  /** 64 hex characters, as GetParametersForImport issues them. */
  private static String tokenId(int seed) {
    return SampleKeys.materialId(seed + 1000).toHex();
  }

  private void givenTwoKeys() {
    store().insertKey(SampleKeys.key("byok-1"));
    store().insertKey(SampleKeys.key("byok-2"));
  }
}
