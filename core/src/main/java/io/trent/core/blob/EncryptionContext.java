package io.trent.core.blob;

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
        e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue().getBytes(StandardCharsets.UTF_8)
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
