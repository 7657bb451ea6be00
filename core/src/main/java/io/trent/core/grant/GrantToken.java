package io.trent.core.grant;

import io.trent.core.catalog.KeyResolver;
import io.trent.core.error.InvalidGrantTokenException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A grant token: an opaque, non-secret name of one grant that a caller may pass in {@code GrantTokens} so the
 * grant counts at once, before every node has seen it [D kdg:grant-manage.md "grant token"]. Standard base64 of
 * {@code trent-grant:1:<key id>:<grant id>:<nonce>}; the nonce makes every CreateGrant's token new, as AWS's are,
 * while all tokens of a grant name the same grant [M CreateGrant Name doc]. Nothing secret is in it: it only
 * says which grant to look for, and the grant itself decides.
 *
 * @param keyId the grant's key
 * @param grantId the grant
 */
public record GrantToken(String keyId, String grantId) {
  private static final String PREFIX = "trent-grant:1:";
  private static final Pattern GRANT_ID = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern NONCE = Pattern.compile("[0-9a-f]{32}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new token for this grant. */
  public String encode() {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String text = PREFIX + keyId + ":" + grantId + ":" + HexFormat.of().formatHex(nonce);
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Reads a token this server issued.
   *
   * @throws InvalidGrantTokenException for anything else; AWS's message for it is not recorded [U], so the
   *     model's description of the error is used
   */
  public static GrantToken parse(String token) {
    String text;
    try {
      text = new String(Base64.getDecoder().decode(token), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!text.startsWith(PREFIX)) {
      throw invalid();
    }
    String[] parts = text.substring(PREFIX.length()).split(":", -1);
    if (parts.length != 3 || !KeyResolver.isWellFormedKeyId(parts[0]) || !GRANT_ID.matcher(parts[1]).matches()
        || !NONCE.matcher(parts[2]).matches()) {
      throw invalid();
    }
    return new GrantToken(parts[0], parts[1]);
  }

  /** Whether a GrantId has the form this server issues (64 lowercase hex digits, as AWS's). */
  public static boolean isWellFormedGrantId(String grantId) {
    return GRANT_ID.matcher(grantId).matches();
  }

  /** A new random grant id. */
  public static String newGrantId() {
    byte[] id = new byte[32];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  static InvalidGrantTokenException invalid() {
    return new InvalidGrantTokenException("The specified grant token is not valid.");
  }
}
