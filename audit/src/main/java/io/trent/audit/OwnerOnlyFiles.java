package io.trent.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owner-only modes for the audit directory (0700) and its files (0600), set in the call that creates
 * them (the server's {@code OwnerOnly} does the same for the data directory; this module cannot see it).
 */
final class OwnerOnlyFiles {
  private OwnerOnlyFiles() {}

  static void createDirectories(Path dir) throws IOException {
    if (isPosix(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  static Set<OpenOption> createNewWrite(Path path) {
    return Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  static FileAttribute<?>[] fileAttributes(Path path) {
    return isPosix(path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
  }

  /** Writes a new small file owner-only (the public key, the node lock). */
  static void writeNew(Path file, byte[] content) throws IOException {
    Files.write(Files.createFile(file, fileAttributes(file)), content);
  }

  private static boolean isPosix(Path path) {
    Path existing = path.toAbsolutePath();
    return existing.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
