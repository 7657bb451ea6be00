package io.trent.core.blob;

import io.trent.core.error.ValidationException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An encryption context and its canonical digest, bound into every ciphertext as AAD.
 *
 * <p>Canonical form: {@code u32 count}, then for each pair sorted by the UTF-8 bytes of its key
 * (unsigned lexicographic), {@code u32 len(key) || key || u32 len(value) || value}, all UTF-8,
 * big-endian lengths. Length prefixes make the encoding injective: {@code {"ab":"c"}} and
 * {@code {"a":"bc"}} differ, and so do {@code {}} and {@code {"":""}}. An absent context and an empty
 * one are the same context, as in AWS.
 *
 * <p>Keys and values must be well-formed Unicode: a lone surrogate has no UTF-8 encoding, and a
 * lenient encoder would turn it into {@code ?}, so two different contexts would share a digest.
 * The JSON protocol refuses such strings first; this class refuses them again and encodes strictly.
 */
public final class EncryptionContext {
  public static final EncryptionContext EMPTY = new EncryptionContext(Map.of());
  private static final byte[] EMPTY_DIGEST = digestOf(Map.of());

  private final Map<String, String> pairs;
  private volatile byte[] digest;

  private EncryptionContext(Map<String, String> pairs) {
    this.pairs = pairs;
  }

  public static EncryptionContext of(Map<String, String> pairs) {
    if (pairs == null || pairs.isEmpty()) {
      return EMPTY;
    }
    for (Map.Entry<String, String> e : pairs.entrySet()) {
      requireWellFormed(e.getKey());
      requireWellFormed(e.getValue());
    }
    return new EncryptionContext(Map.copyOf(pairs));
  }

  public Map<String, String> pairs() {
    return pairs;
  }

  /** SHA-256 of the canonical form (32 bytes). */
  public byte[] digest() {
    if (pairs.isEmpty()) {
      return EMPTY_DIGEST.clone();
    }
    byte[] d = digest;
    if (d == null) {
      d = digestOf(pairs);
      digest = d;
    }
    return d.clone();
  }

  static byte[] canonicalBytes(Map<String, String> pairs) {
    List<byte[][]> entries = new ArrayList<>(pairs.size());
    for (Map.Entry<String, String> e : pairs.entrySet()) {
      entries.add(new byte[][] {
        strictUtf8(e.getKey()), strictUtf8(e.getValue())
      });
    }
    entries.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeU32(out, entries.size());
    for (byte[][] kv : entries) {
      writeU32(out, kv[0].length);
      out.writeBytes(kv[0]);
      writeU32(out, kv[1].length);
      out.writeBytes(kv[1]);
    }
    return out.toByteArray();
  }

  /** UTF-8 that never substitutes: String.getBytes would silently turn a lone surrogate into '?'. */
  private static byte[] strictUtf8(String s) {
    requireWellFormed(s);
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // A loop rather than a CharsetEncoder: it runs for every context of every request.
  private static void requireWellFormed(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new ValidationException("Encryption context keys and values must be valid Unicode: "
            + "one has an unpaired surrogate.");
      }
    }
  }

  private static byte[] digestOf(Map<String, String> pairs) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(canonicalBytes(pairs));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  private static void writeU32(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}
