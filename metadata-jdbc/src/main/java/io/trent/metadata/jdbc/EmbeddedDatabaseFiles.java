package io.trent.metadata.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes the embedded H2 database owner-only before H2 opens it: H2 creates its directory and
 * files with the process umask (usually world-readable), and the JVM cannot change the umask. So
 * the directory is created with mode 0700 and the database file with mode 0600, empty, which H2
 * takes as a new database. H2's own trace file ({@code .trace.db}, created with the umask on the
 * first error) is turned off ({@code TRACE_LEVEL_FILE=0}): H2's errors reach the store as
 * exceptions, which are logged with the request they failed. (H2's SLF4J adapter is no substitute:
 * it traces every statement at INFO.)
 *
 * <p>{@code AUTO_SERVER=TRUE}: the process that opens the database first serves it to other
 * processes of the same user (H2's mixed mode), so {@code trent principal add} can write
 * principals while the server runs. H2 then listens on a random TCP port guarded by a random key
 * kept in the database's lock file (in the owner-only directory); the port is bound to the
 * loopback address ({@link #loopbackOnly()}), never to the machine's other addresses.
 */
final class EmbeddedDatabaseFiles {
  /** Appended to the JDBC URL of the embedded database. */
  static final String URL_SETTINGS = ";TRACE_LEVEL_FILE=0;AUTO_SERVER=TRUE";
  private static final String DATABASE_SUFFIX = ".mv.db";

  private static final String BIND_ADDRESS = "h2.bindAddress";

  private EmbeddedDatabaseFiles() {}

  /**
   * Makes H2's lock file owner-only once H2 has created it (with the process umask): it holds the
   * key to the mixed-mode server. The directory is owner-only already, so this only narrows what an
   * operator-made, more open directory would show.
   */
  static void restrictLockFile(Path database) {
    Path lock = database.resolveSibling(database.getFileName() + ".lock.db");
    if (!lock.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    try {
      Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-------"));
    } catch (java.nio.file.NoSuchFileException absent) {
      // No lock file: nothing to restrict.
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot restrict " + lock, e);
    }
  }

  /**
   * Makes H2 bind the mixed-mode server to 127.0.0.1 (it binds every address otherwise), unless the
   * operator set {@code h2.bindAddress}. H2 reads the property once, when its classes load, so this
   * runs before the first connection.
   */
  static void loopbackOnly() {
    if (System.getProperty(BIND_ADDRESS) == null) {
      System.setProperty(BIND_ADDRESS, "127.0.0.1");
    }
  }

  /**
   * Prepares {@code database} (H2's file name without {@code .mv.db}): its directory 0700 and its
   * file 0600 when they do not exist yet; existing ones are left alone.
   */
  static void prepare(Path database) {
    Path dir = database.getParent();
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Path file = dir.resolve(database.getFileName() + DATABASE_SUFFIX);
      if (!Files.exists(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
    } catch (FileAlreadyExistsException raced) {
      // Another process created it first; H2's file lock decides who may open it.
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the metadata database under " + dir, e);
    }
  }
}
