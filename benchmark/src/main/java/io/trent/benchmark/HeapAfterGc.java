package io.trent.benchmark;

import java.lang.management.ManagementFactory;

/** The heap in use right after a full collection: what a soak compares at its start and end. */
final class HeapAfterGc {

  private HeapAfterGc() {}

  /** Collects twice (the second run frees what finalization and reference processing released) and reads the heap. */
  static long bytes() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
