package io.trent.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The hash of the chain: hex SHA-256 of one record's line (its UTF-8 bytes without the newline). */
final class Sha256 {
  static final String GENESIS = "0".repeat(64);

  private Sha256() {}

  static String hex(byte[] bytes, int offset, int length) {
    MessageDigest digest = newDigest();
    digest.update(bytes, offset, length);
    return HexFormat.of().formatHex(digest.digest());
  }

  static String hex(byte[] bytes) {
    return hex(bytes, 0, bytes.length);
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
