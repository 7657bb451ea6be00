package io.trent.core.audit;

import io.trent.core.key.KmsKey;
import java.util.ArrayList;
import java.util.List;

/**
 * What one request touched, noted by core as it runs so the audit event can name it: the keys it resolved
 * (in order; ReEncrypt has two) and each authorization's decision. It travels in the request's
 * {@link io.trent.core.auth.RequestScope}, so no thread-local is needed; one request runs on one thread at a
 * time, so it is not synchronized.
 */
public final class RequestTrace {
  private final List<KmsKey> keys = new ArrayList<>(2);
  private final List<AccessDecision> decisions = new ArrayList<>(2);
  private boolean rateCharged;

  /** Notes a key the request resolved (before it is authorized, so a denied request names it too). */
  public void key(KmsKey key) {
    if (keys.stream().noneMatch(k -> k.keyId().equals(key.keyId()))) {
      keys.add(key);
    }
  }

  /** Notes one authorization's decision. */
  public void decision(AccessDecision decision) {
    decisions.add(decision);
  }

  /**
   * True the first time it is asked, false after: a request counts once against its rate quota even when it
   * authorizes its key twice (Decrypt with a KeyId resolves the named key, then the ciphertext's).
   */
  public boolean firstRateCharge() {
    if (rateCharged) {
      return false;
    }
    rateCharged = true;
    return true;
  }

  /** The keys, in the order the request resolved them. */
  public List<KmsKey> keys() {
    return List.copyOf(keys);
  }

  /** The decisions, in the order they were made. */
  public List<AccessDecision> decisions() {
    return List.copyOf(decisions);
  }
}
