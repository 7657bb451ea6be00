package io.trent.server.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * A file holding one secret (a token PIN), readable by its owner only.
 *
 * <p>New files are created with mode 0600 in the same system call that creates them, so there is
 * no window in which another user could open a world-readable PIN file.
 */
public final class SecretFile {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final String PIN_ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private static final int GENERATED_LENGTH = 24;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretFile() {}

  /** Reads the secret: the file's text without surrounding whitespace (so {@code echo pin > f} works). */
  public static Secret read(Path file) {
    byte[] bytes = null;
    char[] chars = null;
    try {
      bytes = Files.readAllBytes(file);
      CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
      chars = Arrays.copyOf(decoded.array(), decoded.limit());
      Arrays.fill(decoded.array(), '\0');
      int start = 0;
      int end = chars.length;
      while (start < end && Character.isWhitespace(chars[start])) {
        start++;
      }
      while (end > start && Character.isWhitespace(chars[end - 1])) {
        end--;
      }
      if (start == end) {
        throw new ConfigException("The secret file " + file + " is empty");
      }
      char[] trimmed = Arrays.copyOfRange(chars, start, end);
      try {
        return Secret.of(trimmed);
      } finally {
        Arrays.fill(trimmed, '\0');
      }
    } catch (IOException e) {
      throw new ConfigException("Cannot read the secret file " + file + ": " + e, e);
    } finally {
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
      if (chars != null) {
        Arrays.fill(chars, '\0');
      }
    }
  }

  /**
   * Creates {@code file} with mode 0600 and writes the secret to it.
   *
   * @throws ConfigException if the file already exists or cannot be written
   */
  public static void create(Path file, Secret secret) {
    char[] chars = secret.chars();
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    try (SeekableByteChannel out = Files.newByteChannel(file,
        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
      while (encoded.hasRemaining()) {
        out.write(encoded);
      }
      out.write(ByteBuffer.wrap(new byte[] {'\n'}));
    } catch (IOException | UnsupportedOperationException e) {
      throw new ConfigException("Cannot create the secret file " + file + ": " + e, e);
    } finally {
      Arrays.fill(chars, '\0');
      if (encoded.hasArray()) {
        Arrays.fill(encoded.array(), (byte) 0);
      }
    }
  }

  /** A random PIN of 24 letters and digits (about 140 bits), from a SecureRandom. */
  public static Secret generatePin() {
    char[] pin = new char[GENERATED_LENGTH];
    for (int i = 0; i < pin.length; i++) {
      pin[i] = PIN_ALPHABET.charAt(RANDOM.nextInt(PIN_ALPHABET.length()));
    }
    try {
      return Secret.of(pin);
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  /** True when group or others may read the file: worth a warning for a PIN. */
  public static boolean isReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      return perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
