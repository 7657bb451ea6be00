package io.trent.server.auth;

import io.trent.core.auth.AccessKey;
import io.trent.core.error.KmsException;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.MetadataStore;
import io.trent.server.http.SigningCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access keys the SigV4 verifier may use, in memory, so verification on the event loop never
 * waits for the HSM or the database. {@link #refresh()} (run every second by the server) reads the
 * store's keys, unseals only those it has not seen, and drops those no longer stored: a key added or
 * removed by {@code trent principal} in another process is honoured within a refresh interval.
 *
 * <p>Secrets live here as the Strings the AWS SDK's signer takes, for as long as their key is
 * active (the unsealed bytes are wiped at once); they are never logged.
 */
public final class CredentialCache implements SigningCredentials {
  private static final Logger log = LoggerFactory.getLogger(CredentialCache.class);

  private final MetadataStore store;
  private final KeyBackend backend;
  private volatile Map<String, Credential> credentials = Map.of();

  public CredentialCache(MetadataStore store, KeyBackend backend) {
    this.store = store;
    this.backend = backend;
  }

  @Override
  public Credential find(String accessKeyId) {
    return credentials.get(accessKeyId);
  }

  /** Brings the cache in line with the store; a key that does not unseal is left out and logged. */
  public synchronized void refresh() {
    List<AccessKey> stored = store.listAccessKeys();
    Map<String, Credential> current = credentials;
    Map<String, Credential> next = new HashMap<>();
    for (AccessKey key : stored) {
      Credential known = current.get(key.accessKeyId());
      if (known != null && known.principalArn().equals(key.principalArn().value())) {
        next.put(key.accessKeyId(), known);
        continue;
      }
      try {
        next.put(key.accessKeyId(), unseal(key));
      } catch (KmsException e) {
        log.warn("Access key {} of {} cannot be unsealed ({}); requests signed with it are refused",
            key.accessKeyId(), key.principalArn(), e.errorType());
      }
    }
    if (!next.keySet().equals(current.keySet())) {
      log.info("Access keys: {} active", next.size());
    }
    credentials = Map.copyOf(next);
  }

  private Credential unseal(AccessKey key) {
    byte[] secret = backend.unseal(key.sealingAad(), key.sealedSecret());
    try {
      return new Credential(key.accessKeyId(), key.principalArn().value(), key.principalArn().accountId(),
          new String(secret, StandardCharsets.US_ASCII), key.sessionTokenSha256(), key.expiresAt());
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
