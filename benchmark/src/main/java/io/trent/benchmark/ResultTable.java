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
    out.append("in-proc  = KmsServices.dataKeys().generateDataKey(), no HTTP;  HTTP = POST / GenerateDataKey, 200s only\n");
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
