package io.trent.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Opens a trail file for writing; tests put a failing channel behind it to simulate a broken disk. */
@FunctionalInterface
interface ChannelOpener {
  /**
   * @param create true for a new file (created owner-only, never an existing one), false to reopen one
   */
  FileChannel open(Path path, boolean create) throws IOException;

  ChannelOpener FILES = (path, create) -> create
      ? FileChannel.open(path, OwnerOnlyFiles.createNewWrite(path), OwnerOnlyFiles.fileAttributes(path))
      : FileChannel.open(path, java.nio.file.StandardOpenOption.WRITE);
}
