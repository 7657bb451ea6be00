package io.trent.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Owner-only file modes for what Trent creates in its data directory: 0700 directories, set in the
 * call that creates them, so no other user ever sees them open (the JVM has no umask of its own).
 * On a file system without POSIX modes, directories are created plainly.
 */
public final class OwnerOnly {
  private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private OwnerOnly() {}

  /** Creates the directory and any missing parents with mode 0700. */
  public static void createDirectories(Path dir) throws IOException {
    if (isPosix(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** True when group or others have any permission on the path (false where modes do not exist). */
  public static boolean isOpenToOthers(Path path) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      permissions.retainAll(OTHERS);
      return !permissions.isEmpty();
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
