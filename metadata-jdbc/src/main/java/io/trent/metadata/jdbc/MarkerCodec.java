package io.trent.metadata.jdbc;

import io.trent.core.error.InvalidMarkerException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque paging markers: base64url (unpadded) of {@code <listing><version>:<sort key of the
 * last item returned>}, e.g. {@code k1:42} for keys and {@code a1:alias/foo} for aliases.
 *
 * <p>Only the exact strings this codec issues decode; anything else is an {@link
 * InvalidMarkerException}.
 */
final class MarkerCodec {
  private static final String KEYS = "k1:";
  private static final String ALIASES = "a1:";
  private static final String GRANTS = "g1:";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private MarkerCodec() {}

  static String afterKey(long seq) {
    return encode(KEYS + seq);
  }

  /** The creation sequence number of the last key of the previous page. */
  static long keySeq(String marker) {
    return seq(payload(marker, KEYS));
  }

  static String afterGrant(long seq) {
    return encode(GRANTS + seq);
  }

  /** The creation sequence number of the last grant of the previous page. */
  static long grantSeq(String marker) {
    return seq(payload(marker, GRANTS));
  }

  private static long seq(String seq) {
    // Only the canonical decimal an issued marker holds: no sign, no leading zero.
    if (!seq.matches("[1-9][0-9]{0,18}")) {
      throw invalid();
    }
    try {
      return Long.parseLong(seq);
    } catch (NumberFormatException e) {
      throw invalid();
    }
  }

  static String afterAlias(String aliasName) {
    return encode(ALIASES + aliasName);
  }

  /** The name of the last alias of the previous page. */
  static String aliasName(String marker) {
    String name = payload(marker, ALIASES);
    if (name.isEmpty()) {
      throw invalid();
    }
    return name;
  }

  private static String payload(String marker, String prefix) {
    String decoded;
    try {
      decoded = StandardCharsets.UTF_8.newDecoder()
          .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(marker)))
          .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw invalid();
    }
    // Re-encoding rejects other spellings of the same bytes, such as a padded one.
    if (!decoded.startsWith(prefix) || !encode(decoded).equals(marker)) {
      throw invalid();
    }
    return decoded.substring(prefix.length());
  }

  private static String encode(String payload) {
    return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
  }

  private static InvalidMarkerException invalid() {
    return new InvalidMarkerException("Invalid marker");
  }
}
