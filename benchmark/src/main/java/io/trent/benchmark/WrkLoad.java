package io.trent.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * wrk as the load generator: C keep-alive connections, few wrk threads (it is the cheapest client
 * in CPU, which matters when it shares 2 cores with the server). A Lua script makes every request
 * the same POST (a {@link KmsRequest}: its headers, signature included, are computed once per run) and
 * counts responses by status, so only 200s count as done. With a think time, each connection waits a
 * random 0 to 2x that many milliseconds before each request (wrk's {@code delay()}), which holds the rate
 * below what the server could do: the latency at a given load rather than at saturation.
 */
final class WrkLoad {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MARKER = "WRK_RESULT ";
  private static final String CPU_MARKER = "WRK_CPU ";
  /** Runs wrk, then prints the shell's /proc stat line, whose cutime and cstime are wrk's CPU. */
  private static final String WRAPPER =
      "\"$@\"; status=$?; read -r stat < /proc/$$/stat; echo \"WRK_CPU $stat\"; exit $status";
  private static final long ticksPerSecond = clockTicks();

  /**
   * Every request is the same POST (built once by wrk). With BENCH_COUNT_STATUSES=1
   * a response() callback counts 200s and every other status exactly; it costs wrk CPU (a Lua
   * header table per response), which on 2 cores is taken from the server. Without it, "200s" are
   * wrk's completed responses minus its status errors (status > 399): exact for Trent, which
   * answers only 200 on success and 4xx/5xx otherwise.
   */
  private static final String SCRIPT = """
      wrk.method = "POST"
      wrk.path = "/"
      wrk.body = os.getenv("BENCH_BODY")
      for name, value in string.gmatch(os.getenv("BENCH_HEADERS"), "([^:\\n]+): ([^\\n]*)\\n") do
        wrk.headers[name] = value
      end

      local think = tonumber(os.getenv("BENCH_THINK_MILLIS") or "0")
      if think > 0 then
        function delay()
          return math.random(0, 2 * think)
        end
      end

      local count_statuses = os.getenv("BENCH_COUNT_STATUSES") == "1"
      local threads = {}

      function setup(thread)
        table.insert(threads, thread)
      end

      function init(args)
        ok = 0
        other = {}
      end

      if count_statuses then
        function response(status, headers, body)
          if status == 200 then
            ok = ok + 1
          else
            other[tostring(status)] = (other[tostring(status)] or 0) + 1
          end
        end
      end

      function done(summary, latency, requests)
        local e = summary.errors
        local total = 0
        local statuses = {}
        if count_statuses then
          for _, t in ipairs(threads) do
            total = total + t:get("ok")
            for k, v in pairs(t:get("other")) do
              statuses[k] = (statuses[k] or 0) + v
            end
          end
        else
          total = summary.requests - e.status
          if e.status > 0 then
            statuses[">399"] = e.status
          end
        end
        local parts = {}
        for k, v in pairs(statuses) do
          table.insert(parts, string.format('"%s":%d', k, v))
        end
        io.write(string.format('WRK_RESULT {"ok":%d,"requests":%d,"durationMicros":%d,'
          .. '"connect":%d,"read":%d,"write":%d,"timeout":%d,"statuses":{%s},'
          .. '"p50Micros":%d,"p99Micros":%d}\\n',
          total, summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout,
          table.concat(parts, ","), latency:percentile(50), latency:percentile(99)))
      end
      """;

  private WrkLoad() {}

  /** The wrk executable on the PATH, or null. */
  static Path find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "wrk");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static String version(Path wrk) {
    try {
      Process process = new ProcessBuilder(wrk.toString(), "--version").redirectErrorStream(true).start();
      String first = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
          .findFirst().orElse("wrk");
      process.waitFor();
      // "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer"
      int copyright = first.indexOf(" Copyright");
      return (copyright > 0 ? first.substring(0, copyright) : first).trim();
    } catch (IOException | InterruptedException e) {
      return "wrk";
    }
  }

  /** How wrk runs: connections, its own threads, whether it counts statuses, its nice value, the think time. */
  record Settings(int connections, int wrkThreads, boolean countStatuses, int nice, int thinkMillis) {}

  /**
   * Runs wrk for the warm-up (discarded), then for the measured window (each at most a few minutes: a signed
   * request is valid for 5). {@code request} is asked for a fresh one before each.
   */
  static Rate run(Path wrk, Path workDir, int port, java.util.function.Supplier<KmsRequest> request, Settings settings,
                  Duration warmup, Duration duration) throws IOException, InterruptedException {
    Path script = workDir.resolve("kms-request.lua");
    Files.writeString(script, SCRIPT);
    if (!warmup.isZero()) {
      invoke(wrk, script, port, request.get(), settings, warmup);
    }
    KmsRequest measured = request.get();
    CpuSampler cpu = CpuSampler.start();
    JsonNode result = invoke(wrk, script, port, measured, settings, duration);
    CpuSampler.Usage usage = cpu.stop();

    long ok = result.get("ok").asLong();
    double seconds = result.get("durationMicros").asLong() / 1e6;
    Map<String, Long> kinds = new TreeMap<>();
    result.get("statuses").fields().forEachRemaining(e -> kinds.put("HTTP " + e.getKey(), e.getValue().asLong()));
    for (String socketError : List.of("connect", "read", "write", "timeout")) {
      long count = result.get(socketError).asLong();
      if (count > 0) {
        kinds.put("socket " + socketError, count);
      }
    }
    long errors = kinds.values().stream().mapToLong(Long::longValue).sum();
    Double wrkCores = result.has("cpuTicks") && ticksPerSecond > 0
        ? result.get("cpuTicks").asLong() / (double) ticksPerSecond / usage.wallSeconds() : null;
    return usage.rate(ok, seconds, errors, kinds,
        result.get("p50Micros").asLong() / 1000.0, result.get("p99Micros").asLong() / 1000.0, wrkCores);
  }

  /** cutime + cstime (fields 16 and 17) of a /proc/PID/stat line, in clock ticks. */
  private static long childCpuTicks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from 3 on
    return Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3]);
  }

  private static long clockTicks() {
    try {
      Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      process.waitFor();
      return Long.parseLong(out);
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return 100;
    }
  }

  private static JsonNode invoke(Path wrk, Path script, int port, KmsRequest request, Settings settings,
                                 Duration duration) throws IOException, InterruptedException {
    // Through sh, which reports wrk's CPU time (its children's utime + stime from /proc/self/stat).
    List<String> command = new ArrayList<>(List.of("nice", "-n", Integer.toString(settings.nice()),
        "sh", "-c", WRAPPER, "sh", wrk.toString(),
        "-t", Integer.toString(Math.min(settings.wrkThreads(), settings.connections())),
        "-c", Integer.toString(settings.connections()),
        "-d", duration.toSeconds() + "s",
        "--timeout", "10s",
        "-s", script.toString(),
        "http://127.0.0.1:" + port + "/"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("BENCH_BODY", request.body());
    builder.environment().put("BENCH_HEADERS", request.headerLines());
    builder.environment().put("BENCH_COUNT_STATUSES", settings.countStatuses() ? "1" : "0");
    builder.environment().put("BENCH_THINK_MILLIS", Integer.toString(settings.thinkMillis()));
    Process process = builder.start();
    List<String> output = new ArrayList<>();
    JsonNode result = null;
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        output.add(line);
        if (line.startsWith(MARKER)) {
          result = JSON.readTree(line.substring(MARKER.length()));
        } else if (line.startsWith(CPU_MARKER) && result instanceof ObjectNode node) {
          node.put("cpuTicks", childCpuTicks(line.substring(CPU_MARKER.length())));
        }
      }
    }
    int exit = process.waitFor();
    if (exit != 0 || result == null) {
      throw new IllegalStateException("wrk failed (exit " + exit + "): " + String.join("\n", output));
    }
    return result;
  }
}
