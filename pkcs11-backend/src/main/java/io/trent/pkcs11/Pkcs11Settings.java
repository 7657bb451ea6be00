package io.trent.pkcs11;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the HSM token that holds the KMS key material.
 *
 * @param library the PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}
 * @param tokenLabel the token's label (CK_TOKEN_INFO.label, compared trimmed); slot ids are not
 *     stable, so the token is chosen by label
 * @param pin the user (crypto officer) PIN; the backend keeps its own copy, so the caller may wipe
 *     this array once the backend is open
 * @param sessionPoolSize how many PKCS#11 sessions serve requests concurrently (one more, the
 *     anchor, holds the login and manages key objects)
 * @param borrowTimeout how long a request waits for a free session before it fails with
 *     DependencyTimeoutException
 * @param ivSource who chooses the AES-GCM IV
 * @param objectCheckInterval the bound on how long a key whose token object was deleted outside
 *     Trent stays usable: no request uses a cached handle whose token object was last seen longer
 *     ago than this
 */
public record Pkcs11Settings(Path library, String tokenLabel, char[] pin, int sessionPoolSize,
                             Duration borrowTimeout, GcmIvSource ivSource, Duration objectCheckInterval) {

  /** CK_TOKEN_INFO.label is a 32-byte, blank-padded UTF-8 field. */
  static final int MAX_LABEL_BYTES = 32;
  /** The default {@link #objectCheckInterval}. */
  public static final Duration DEFAULT_OBJECT_CHECK_INTERVAL = Duration.ofSeconds(5);

  public Pkcs11Settings {
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(tokenLabel, "tokenLabel");
    Objects.requireNonNull(pin, "pin");
    Objects.requireNonNull(borrowTimeout, "borrowTimeout");
    Objects.requireNonNull(ivSource, "ivSource");
    requireValidLabel(tokenLabel);
    if (pin.length == 0) {
      throw new IllegalArgumentException("the token PIN is empty");
    }
    if (sessionPoolSize < 1) {
      throw new IllegalArgumentException("sessionPoolSize must be at least 1, was " + sessionPoolSize);
    }
    if (borrowTimeout.isNegative() || borrowTimeout.isZero()) {
      throw new IllegalArgumentException("borrowTimeout must be positive, was " + borrowTimeout);
    }
    Objects.requireNonNull(objectCheckInterval, "objectCheckInterval");
    if (objectCheckInterval.isNegative() || objectCheckInterval.isZero()) {
      throw new IllegalArgumentException("objectCheckInterval must be positive, was " + objectCheckInterval);
    }
  }

  /** Settings with the default {@link #objectCheckInterval}. */
  public Pkcs11Settings(Path library, String tokenLabel, char[] pin, int sessionPoolSize,
                        Duration borrowTimeout, GcmIvSource ivSource) {
    this(library, tokenLabel, pin, sessionPoolSize, borrowTimeout, ivSource, DEFAULT_OBJECT_CHECK_INTERVAL);
  }

  static void requireValidLabel(String label) {
    if (label.isBlank()) {
      throw new IllegalArgumentException("the token label is blank");
    }
    if (label.getBytes(StandardCharsets.UTF_8).length > MAX_LABEL_BYTES) {
      throw new IllegalArgumentException("the token label '" + label + "' is longer than "
          + MAX_LABEL_BYTES + " bytes");
    }
  }

  /** Leaves the PIN out: settings end up in logs and error messages. */
  @Override
  public String toString() {
    return "Pkcs11Settings[library=" + library + ", tokenLabel=" + tokenLabel + ", pin=<redacted>"
        + ", sessionPoolSize=" + sessionPoolSize + ", borrowTimeout=" + borrowTimeout
        + ", ivSource=" + ivSource + ", objectCheckInterval=" + objectCheckInterval + "]";
  }
}
