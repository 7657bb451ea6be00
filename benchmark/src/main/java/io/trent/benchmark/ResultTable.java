package io.trent.benchmark;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human-readable summary printed at the end of a run. */
final class ResultTable {

  private ResultTable() {}

  static String render(Map<String, Object> environment, List<Map<String, Object>> rows, int rounds) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%nTrent GenerateDataKey benchmark (%s cpus, %s, %s, load generator %s)%n",
        environment.get("cpus"), environment.get("jdk"),
        environment.getOrDefault("pkcs11LibraryInfo", environment.get("pkcs11Library")),
        environment.get("loadGenerator")));
    out.append("raw      = C_GenerateRandom(32) + C_EncryptInit/C_Encrypt(AES-GCM), IV from a counter (the issue's raw rate)\n");
    out.append("raw+iv   = C_GenerateRandom(32) + C_GenerateRandom(12) + C_EncryptInit/C_Encrypt (Trent's hot path)\n");
    out.append("in-proc  = KmsServices.dataKeys().generateDataKey(), no HTTP;  HTTP = POST / (first server, operation"
        + " and C below), 200s only\n");
    if (rounds > 1) {
      out.append("rates are the median of ").append(rounds).append(" interleaved rounds; ratios are of those medians\n");
    }
    out.append('\n');
    String header = String.format(Locale.ROOT, "%3s %4s %10s %10s %10s %10s %9s %11s %11s %7s %13s %15s%n",
        "T", "C", "raw/s", "raw+iv/s", "in-proc/s", "HTTP/s", "HTTP/raw", "HTTP/raw+iv", "in-proc/raw", "errors",
        "HTTP p50/p99", "HTTP cpu j/w/o");
    out.append(header);
    out.append("-".repeat(header.length() - 1)).append('\n');
    for (Map<String, Object> row : rows) {
      Rate raw = (Rate) row.get("rawRandomEncrypt");
      Rate rawIv = (Rate) row.get("rawRandomIvEncrypt");
      Rate inProcess = (Rate) row.get("inProcess");
      Rate http = (Rate) row.get("http");
      @SuppressWarnings("unchecked")
      Map<String, Double> ratios = (Map<String, Double>) row.get("ratios");
      long errors = errors(raw) + errors(rawIv) + errors(inProcess) + errors(http);
      out.append(String.format(Locale.ROOT, "%3d %4d %10s %10s %10s %10s %9s %11s %11s %7d %13s %15s%n",
          (Integer) row.get("threads"), (Integer) row.get("connections"),
          rate(raw), rate(rawIv), rate(inProcess), rate(http),
          percent(ratios.get("httpToRaw")), percent(ratios.get("httpToRawHotPath")),
          percent(ratios.get("inProcessToRaw")), errors,
          http == null || http.latencyP50Millis() == null ? "-"
              : String.format(Locale.ROOT, "%.2f/%.2f ms", http.latencyP50Millis(), http.latencyP99Millis()),
          http == null ? "-" : String.format(Locale.ROOT, "%s/%s/%s", cores(http.jvmCpuCores()),
              cores(http.loadGeneratorCpuCores()), cores(http.otherCpuCores()))));
    }
    renderCells(out, rows);
    for (Map<String, Object> row : rows) {
      for (String phase : List.of("rawRandomEncrypt", "rawRandomIvEncrypt", "inProcess", "http")) {
        Rate rate = (Rate) row.get(phase);
        if (rate != null && rate.errors() > 0) {
          out.append(String.format(Locale.ROOT, "T=%s %s errors: %s%n", row.get("threads"), phase, rate.errorKinds()));
        }
      }
    }
    double worstOther = 0;
    for (Map<String, Object> row : rows) {
      for (String phase : List.of("rawRandomEncrypt", "rawRandomIvEncrypt", "inProcess", "http")) {
        Rate rate = (Rate) row.get(phase);
        if (rate != null && rate.otherCpuCores() != null) {
          worstOther = Math.max(worstOther, rate.otherCpuCores());
        }
      }
    }
    if (worstOther > 0.15) {
      out.append(String.format(Locale.ROOT, "%nWARNING: up to %.2f cores were used by other processes during a"
          + " measurement: rerun on a quiet machine (see 'otherCpuCores' in the JSON).%n", worstOther));
    }
    out.append(String.format(Locale.ROOT,
        "%nHTTP cpu j/w/o: CPU cores used by this JVM (server) / by wrk / by anything else, while measuring."
            + "%nLoad average at start %s, at end %s. Numbers from a small shared machine are noisy: compare ratios"
            + " from the same run, not absolute rates across runs.%n",
        environment.get("loadAverageAtStart"), environment.get("loadAverageAtEnd")));
    return out.toString();
  }

  /** Every HTTP measurement: server (auth/audit.sync), operation, C, and its rate against raw. */
  @SuppressWarnings("unchecked")
  private static void renderCells(StringBuilder out, List<Map<String, Object>> rows) {
    boolean any = rows.stream().anyMatch(row -> !((List<?>) row.getOrDefault("httpCells", List.of())).isEmpty());
    if (!any) {
      return;
    }
    out.append(String.format(Locale.ROOT, "%nHTTP measurements (server = auth/audit.sync; 'half' = latency at half the"
        + " best rate of the sweep, with think time; 'pool N' = a key pair pool of N, full at the start;"
        + "%n'burst N' = exactly N requests over C connections, rate = N / time to the last answer; 'no pool' = the"
        + " same server without the pool, every pair generated inline, with a smaller N)%n"));
    String header = String.format(Locale.ROOT, "%3s %-14s %-52s %9s %10s %9s %19s %7s %15s%n",
        "T", "server", "operation", "C", "rate/s", "of raw", "p50/p99", "errors", "cpu j/w/o");
    out.append(header);
    out.append("-".repeat(header.length() - 1)).append('\n');
    for (Map<String, Object> row : rows) {
      for (Map<String, Object> cell : (List<Map<String, Object>>) row.getOrDefault("httpCells", List.of())) {
        Rate rate = (Rate) cell.get("rate");
        int think = (Integer) cell.get("thinkMillis");
        out.append(String.format(Locale.ROOT, "%3d %-14s %-52s %9s %10s %9s %19s %7d %15s%n",
            (Integer) row.get("threads"), cell.get("server"), cell.get("description"),
            think > 0 ? "half " + cell.get("connections") : cell.get("connections").toString(),
            rate(rate), percent((Double) cell.get("toRaw")),
            rate.latencyP50Millis() == null ? "-"
                : String.format(Locale.ROOT, "%.2f/%.2f ms", rate.latencyP50Millis(), rate.latencyP99Millis()),
            rate.errors(), String.format(Locale.ROOT, "%s/%s/%s", cores(rate.jvmCpuCores()),
                // A burst's client runs in this JVM: no wrk.
                (Integer) cell.get("burst") > 0 ? "-" : cores(rate.loadGeneratorCpuCores()), cores(rate.otherCpuCores()))));
        if (rate.errors() > 0) {
          out.append("    errors: ").append(rate.errorKinds()).append('\n');
        }
      }
    }
  }

  /** The soak: its configuration, the rate per minute, and the heap after GC at its start and end. */
  @SuppressWarnings("unchecked")
  static String renderSoak(Map<String, Object> soak) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Soak: %s minutes, T=%s, %s, %s, C=%s%n", soak.get("minutes"),
        soak.get("threads"), soak.get("server"), soak.get("operation"), soak.get("connections")));
    List<Rate> minutes = (List<Rate>) soak.get("perMinute");
    long errors = 0;
    for (int i = 0; i < minutes.size(); i++) {
      Rate rate = minutes.get(i);
      errors += rate.errors();
      out.append(String.format(Locale.ROOT, "  minute %3d: %10s/s  p99 %s ms  errors %d  other cores %s%n", i + 1,
          rate(rate), rate.latencyP99Millis() == null ? "-" : String.format(Locale.ROOT, "%.2f", rate.latencyP99Millis()),
          rate.errors(), cores(rate.otherCpuCores())));
    }
    out.append(String.format(Locale.ROOT, "  heap after full GC: start %.1f MiB, end %.1f MiB; errors %d%n",
        (Long) soak.get("heapAfterGcStartBytes") / 1048576.0, (Long) soak.get("heapAfterGcEndBytes") / 1048576.0,
        errors));
    return out.toString();
  }

  private static long errors(Rate rate) {
    return rate == null ? 0 : rate.errors();
  }

  private static String rate(Rate rate) {
    return rate == null ? "-" : String.format(Locale.ROOT, "%,.0f", rate.perSecond());
  }

  private static String percent(Double ratio) {
    return ratio == null ? "-" : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }

  private static String cores(Double cores) {
    return cores == null ? "?" : String.format(Locale.ROOT, "%.2f", cores);
  }
}
