package io.trent.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit signing key's public half as PEM ({@code -----BEGIN PUBLIC KEY-----}, DER
 * SubjectPublicKeyInfo), the form OpenSSL and the JDK read; digests name it by fingerprint, the hex
 * SHA-256 of the DER.
 */
public final class PublicKeyPem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

  private PublicKeyPem() {}

  public static String encode(byte[] der) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
  }

  /** Every public key block in the text, as DER. */
  public static List<byte[]> decodeAll(String pem) {
    List<byte[]> keys = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(pem);
    while (matcher.find()) {
      keys.add(Base64.getMimeDecoder().decode(matcher.group(1)));
    }
    return keys;
  }

  public static String fingerprint(byte[] der) {
    return Sha256.hex(der);
  }

  /** The JCA key for a DER SubjectPublicKeyInfo: EC or RSA. */
  static PublicKey toKey(byte[] der) {
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("Not an EC or RSA public key");
  }
}
