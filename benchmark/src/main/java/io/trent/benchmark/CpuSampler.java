package io.trent.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU used during a measurement window: by this JVM (the server, the HSM calls, the in-process
 * callers) and by the whole machine (which adds the load generator and anything else running).
 * On a 2-core box, "machine 2.0 cores" means the run was CPU-bound.
 */
final class CpuSampler {

  /**
   * @param threadCores CPU of this JVM's threads during the window, in cores, by thread name with
   *     every number replaced by '*' (e.g. trent-hsm-*, trent-io-*-*); groups under 0.02 cores
   *     are left out
   */
  record Usage(double wallSeconds, Double processCores, Double machineCores, Map<String, Double> threadCores) {

    /** A Rate with this usage; {@code loadGeneratorCores} is null when the load ran in this JVM. */
    Rate rate(long operations, double seconds, long errors, Map<String, Long> errorKinds,
              Double p50Millis, Double p99Millis, Double loadGeneratorCores) {
      Double other = null;
      if (machineCores != null && processCores != null) {
        other = round(Math.max(0, machineCores - processCores - (loadGeneratorCores == null ? 0 : loadGeneratorCores)));
      }
      return new Rate(operations / seconds, operations, seconds, errors, errorKinds, p50Millis, p99Millis,
          processCores, round(loadGeneratorCores), other, machineCores, threadCores);
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final long wallStart;
  private final long processStart;
  private final long[] machineStart;
  private final Map<Long, Long> threadStart;

  private CpuSampler(long wallStart, long processStart, long[] machineStart, Map<Long, Long> threadStart) {
    this.wallStart = wallStart;
    this.processStart = processStart;
    this.machineStart = machineStart;
    this.threadStart = threadStart;
  }

  static CpuSampler start() {
    return new CpuSampler(System.nanoTime(), processCpuNanos(), machineJiffies(), threadCpu());
  }

  private static Map<Long, Long> threadCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    if (THREADS.isThreadCpuTimeSupported()) {
      for (long id : THREADS.getAllThreadIds()) {
        cpu.put(id, THREADS.getThreadCpuTime(id));
      }
    }
    return cpu;
  }

  private Map<String, Double> threadCores(long wall) {
    Map<String, Double> groups = new TreeMap<>();
    if (!THREADS.isThreadCpuTimeSupported()) {
      return groups;
    }
    for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long now = THREADS.getThreadCpuTime(info.getThreadId());
      if (now < 0) {
        continue;
      }
      long used = now - threadStart.getOrDefault(info.getThreadId(), 0L);
      String group = info.getThreadName().replaceAll("\\d+", "*");
      groups.merge(group, (double) used / wall, Double::sum);
    }
    groups.values().removeIf(cores -> cores < 0.02);
    groups.replaceAll((name, cores) -> round(cores));
    return groups;
  }

  Usage stop() {
    long wall = System.nanoTime() - wallStart;
    long process = processCpuNanos();
    long[] machine = machineJiffies();
    Double processCores = process < 0 || processStart < 0 ? null : (double) (process - processStart) / wall;
    Double machineCores = null;
    if (machine != null && machineStart != null) {
      long busy = machine[0] - machineStart[0];
      long total = machine[1] - machineStart[1];
      if (total > 0) {
        machineCores = (double) busy / total * Runtime.getRuntime().availableProcessors();
      }
    }
    return new Usage(wall / 1e9, round(processCores), round(machineCores), threadCores(wall));
  }

  static Double round(Double value) {
    return value == null ? null : Math.round(value * 100) / 100.0;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** {busy, total} jiffies over all CPUs from /proc/stat, or null off Linux. */
  private static long[] machineJiffies() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait ..."
      String[] fields = line.trim().split("\\s+");
      long total = 0;
      long idle = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        long value = Long.parseLong(fields[i]);
        total += value;
        if (i == 4 || i == 5) {
          idle += value;
        }
      }
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
