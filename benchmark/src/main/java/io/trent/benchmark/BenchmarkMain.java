package io.trent.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trent.audit.AuditSync;
import io.trent.pkcs11.Pkcs11TokenProvisioner;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures, in one run and on one fresh SoftHSM2 token: the raw HSM rate (wrapper only), Trent's
 * GenerateDataKey called in process, and GenerateDataKey over HTTP; then prints the ratios. Run it
 * through {@code benchmark/run}, which builds, creates the SoftHSM2 configuration and sets
 * SOFTHSM2_CONF. Nothing is asserted: this reports numbers.
 */
@Command(name = "trent-benchmark", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Raw PKCS#11 rate vs Trent GenerateDataKey (in process and over HTTP) on a fresh token.",
        "Needs SOFTHSM2_CONF pointing at a throw-away token directory (benchmark/run does this)."})
public final class BenchmarkMain implements Callable<Integer> {

  enum Phase { raw, inprocess, http }

  enum LoadGenerator { auto, wrk, java }

  enum RawKey { session_copy, token_object }

  enum Auth { dev, sigv4 }

  @Option(names = "--threads", split = ",", defaultValue = "1,2", paramLabel = "T[,T...]",
      description = "HSM threads: raw threads, in-process callers, server hsmWorkers (default: ${DEFAULT-VALUE}).")
  List<Integer> threads;

  @Option(names = "--connections", split = ",", defaultValue = "16", paramLabel = "C[,C...]",
      description = "HTTP keep-alive connections, one measurement each (default: ${DEFAULT-VALUE}).")
  List<Integer> connections;

  @Option(names = "--operations", split = ",", defaultValue = "GenerateDataKey", paramLabel = "OP[,OP...]",
      description = "HTTP operations: GenerateDataKey, Decrypt, GenerateDataKeyPair:ECC_NIST_P256,"
          + " GenerateDataKeyPair:RSA_2048, ... (default: ${DEFAULT-VALUE}).")
  List<String> operations;

  @Option(names = "--auth", split = ",", defaultValue = "dev", paramLabel = "A[,A...]",
      description = "Server auth modes, one server each: dev (signature shape only) or sigv4 (every request signed"
          + " by the account root and verified) (default: ${DEFAULT-VALUE}).")
  List<Auth> auth;

  @Option(names = "--audit-sync", split = ",", defaultValue = "batch", paramLabel = "S[,S...]",
      description = "audit.sync of the server, one server each: batch or interval (default: ${DEFAULT-VALUE}).")
  List<AuditSync> auditSync;

  @Option(names = "--half-rate", defaultValue = "false", fallbackValue = "true", arity = "0..1",
      description = "Per server and operation, also measure latency at half the best rate of the --connections"
          + " sweep (each connection waits a random 0-2x think time before each request) (default: ${DEFAULT-VALUE}).")
  boolean halfRate;

  @Option(names = "--server-env", paramLabel = "TRENT_X=V",
      description = "A configuration override for the HTTP server, e.g. a key pair pool size; repeatable.")
  Map<String, String> serverEnv = new LinkedHashMap<>();

  @Option(names = "--burst", defaultValue = "0", paramLabel = "N",
      description = "For an operation a key pair pool serves (--server-env TRENT_PKCS11_KEY_PAIR_POOL=...): a burst of"
          + " exactly N requests over each C of --connections, the pool full at its start; 0 = the pool's size"
          + " (default: ${DEFAULT-VALUE}).")
  int burst;

  @Option(names = "--inline-burst", defaultValue = "20", paramLabel = "N",
      description = "The same burst on a server with no pool, which generates every pair inline (a few RSA_2048 pairs"
          + " a second on SoftHSM2, hence fewer requests); 0 skips it (default: ${DEFAULT-VALUE}).")
  int inlineBurst;

  @Option(names = "--pool-wait-seconds", defaultValue = "300", paramLabel = "S",
      description = "How long to wait for the server's key pair pools to fill before each HTTP measurement; the run"
          + " fails when one is not full by then (default: ${DEFAULT-VALUE}).")
  int poolWaitSeconds;

  @Option(names = "--soak-minutes", defaultValue = "0", paramLabel = "N",
      description = "After the table, N minutes of steady load (first T, server, operation and C), per-minute"
          + " rates, and the heap after a full GC at its start and end (default: ${DEFAULT-VALUE}).")
  int soakMinutes;

  @Option(names = "--seconds", defaultValue = "10", paramLabel = "D",
      description = "Measured seconds per rate (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--warmup-seconds", defaultValue = "5", paramLabel = "W",
      description = "Warm-up seconds before each measurement, not counted (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--rounds", defaultValue = "1", paramLabel = "N",
      description = "Repeat every measurement N times, interleaved, and report the median (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--phases", split = ",", defaultValue = "raw,inprocess,http", paramLabel = "P[,P...]",
      description = "What to measure: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  EnumSet<Phase> phases;

  @Option(names = "--load-generator", defaultValue = "auto",
      description = "HTTP load: wrk, java (HttpClient), or auto = wrk when on the PATH (default: ${DEFAULT-VALUE}).")
  LoadGenerator loadGenerator;

  @Option(names = "--wrk-threads", defaultValue = "1", paramLabel = "N",
      description = "wrk threads; few, since wrk shares the cores with the server (default: ${DEFAULT-VALUE}).")
  int wrkThreads;

  @Option(names = "--wrk-count-statuses", defaultValue = "true", fallbackValue = "true", arity = "0..1",
      description = "Count every HTTP status in a wrk Lua callback (no measurable wrk CPU cost here); with false,"
          + " 200s = responses minus wrk's status errors (>399), exact for Trent (default: ${DEFAULT-VALUE}).")
  boolean wrkCountStatuses;

  @Option(names = "--wrk-nice", defaultValue = "0", paramLabel = "N",
      description = "Run wrk under nice -n N (default: ${DEFAULT-VALUE}).")
  int wrkNice;

  // Trent's keys are locked (unmodifiable, uncopyable) token objects, used without a session copy:
  // the raw rate is measured on the same kind of object by default.
  @Option(names = "--raw-key", defaultValue = "token_object",
      description = "Raw rate on the token object, as Trent's backend uses its keys, or on a session copy, as it"
          + " used keys made before they were locked (${COMPLETION-CANDIDATES}; default: ${DEFAULT-VALUE}).")
  RawKey rawKey;

  @Option(names = "--library", defaultValue = "/usr/lib/softhsm/libsofthsm2.so", paramLabel = "FILE",
      description = "The PKCS#11 library (default: ${DEFAULT-VALUE}).")
  Path library;

  @Option(names = "--work-dir", required = true, paramLabel = "DIR",
      description = "A throw-away directory for the metadata databases and wrk's script.")
  Path workDir;

  @Option(names = "--output", defaultValue = "benchmark/target/benchmark-result.json", paramLabel = "FILE",
      description = "Where to write the JSON result (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--jfr-dir", paramLabel = "DIR",
      description = "Record each measurement (warm-up included) with JFR's 'profile' settings into DIR/<phase>-t<T>.jfr.")
  Path jfrDir;

  private static final String TOKEN_LABEL = "trent-bench";

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchmarkMain())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOverwrittenOptionsAllowed(true) // benchmark/run passes defaults the caller may override
        .execute(args));
  }

  @Override
  public Integer call() throws Exception {
    validate();
    Files.createDirectories(workDir);
    Duration warmup = Duration.ofSeconds(warmupSeconds);
    Duration duration = Duration.ofSeconds(seconds);
    Path wrk = phases.contains(Phase.http) ? chooseWrk() : null;

    char[] soPin = randomPin();
    char[] pin = randomPin();
    if (!Pkcs11TokenProvisioner.provisionIfAbsent(library, TOKEN_LABEL, soPin, pin)) {
      throw new IllegalStateException(
          "Token '" + TOKEN_LABEL + "' already exists: SOFTHSM2_CONF must point at a fresh token directory.");
    }

    Map<String, Object> environment = new LinkedHashMap<>();
    environment.put("startedAt", Instant.now().toString());
    environment.put("cpus", Runtime.getRuntime().availableProcessors());
    environment.put("memoryBytes", totalMemory());
    environment.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    environment.put("pkcs11Library", library.toString());
    environment.put("loadGenerator", wrk != null ? WrkLoad.version(wrk) + " -t " + wrkThreads
        + (wrkNice != 0 ? " (nice " + wrkNice + ")" : "")
        : phases.contains(Phase.http) ? "java.net.http.HttpClient" : "none");
    environment.put("loadAverageAtStart", loadAverage());
    List<HttpOperation> httpOperations = operations.stream().map(HttpOperation::parse).toList();

    // byThreads.get(t) holds one PhaseRates per round; rounds interleave the thread counts, so slow
    // drift (another process, thermal) spreads over all of them instead of hitting one.
    Map<Integer, List<PhaseRates>> byThreads = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (int t : threads) {
        log("--- T=%d%s ---", t, rounds > 1 ? ", round " + round + "/" + rounds : "");
        byThreads.computeIfAbsent(t, k -> new ArrayList<>())
            .add(measureAll(t, round, wrk, pin, warmup, duration, environment, httpOperations));
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map.Entry<Integer, List<PhaseRates>> entry : byThreads.entrySet()) {
      rows.add(row(entry.getKey(), entry.getValue()));
    }
    Map<String, Object> soak = soakMinutes > 0 ? soak(wrk, pin, warmup, httpOperations.get(0)) : null;
    environment.put("loadAverageAtEnd", loadAverage());

    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("threads", threads);
    settings.put("connections", connections);
    settings.put("seconds", seconds);
    settings.put("warmupSeconds", warmupSeconds);
    settings.put("rounds", rounds);
    settings.put("phases", phases);
    settings.put("rawKey", rawKey);
    settings.put("dataKeySpec", "AES_256");
    settings.put("operations", operations);
    settings.put("auth", auth);
    settings.put("auditSync", auditSync);
    settings.put("halfRate", halfRate);
    settings.put("serverEnv", serverEnv.keySet());
    settings.put("burst", burst);
    settings.put("inlineBurst", inlineBurst);
    settings.put("poolWaitSeconds", poolWaitSeconds);

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("environment", environment);
    result.put("settings", settings);
    result.put("rows", rows);
    if (soak != null) {
      result.put("soak", soak);
    }
    Path out = output.toAbsolutePath();
    Files.createDirectories(out.getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);

    System.out.println(ResultTable.render(environment, rows, rounds));
    if (soak != null) {
      System.out.println(ResultTable.renderSoak(soak));
    }
    System.out.println("JSON: " + out);
    return 0;
  }

  /** The rates of one thread count in one round; null (empty) for a phase not run. */
  record PhaseRates(Rate rawRandomEncrypt, Rate rawRandomIvEncrypt, Rate inProcess, List<HttpCell> http) {}

  private PhaseRates measureAll(int t, int round, Path wrk, char[] pin, Duration warmup, Duration duration,
                                Map<String, Object> environment, List<HttpOperation> httpOperations) throws Exception {
    Rate rawPair = null;
    Rate rawHotPath = null;
    Rate inProcess = null;
    List<HttpCell> http = new ArrayList<>();
    String suffix = rounds > 1 ? "-r" + round : "";
    if (phases.contains(Phase.raw)) {
      try (RawHsm raw = RawHsm.open(library, TOKEN_LABEL, pin, rawKey == RawKey.token_object)) {
        environment.putIfAbsent("pkcs11LibraryInfo", raw.describeLibrary());
        rawPair = recorded("raw-random-encrypt" + suffix, t,
            () -> raw.measure(RawHsm.Variant.RANDOM_ENCRYPT, t, warmup, duration));
        log("raw random(32)+encrypt:            %s", brief(rawPair));
        rawHotPath = recorded("raw-random-iv-encrypt" + suffix, t,
            () -> raw.measure(RawHsm.Variant.RANDOM_IV_ENCRYPT, t, warmup, duration));
        log("raw random(32)+random(12)+encrypt: %s", brief(rawHotPath));
      }
    }
    if (phases.contains(Phase.inprocess)) {
      try (InProcessTrent trent = InProcessTrent.open(library, TOKEN_LABEL, pin, t,
          workDir.resolve("inprocess-t" + t + suffix))) {
        inProcess = recorded("inprocess" + suffix, t, () -> trent.measure(t, warmup, duration));
        log("in-process GenerateDataKey:        %s", brief(inProcess));
      }
    }
    if (phases.contains(Phase.http)) {
      for (HttpTrent.Options options : serverOptions()) {
        String server = options.label();
        // Operations a key pair pool serves on this server, by the size of their burst.
        Map<HttpOperation, Integer> bursts = new LinkedHashMap<>();
        Path dataDir = workDir.resolve("http-t" + t + "-" + server.replace('/', '-') + suffix);
        try (HttpTrent trent = HttpTrent.start(library, TOKEN_LABEL, pin, t, dataDir, options)) {
          for (HttpOperation operation : httpOperations) {
            trent.probe(operation);
            int poolSize = trent.poolSize(operation);
            List<HttpCell> sweep = new ArrayList<>();
            for (int c : connections) {
              String phase = "http-" + server.replace('/', '-') + "-" + operation.label().replace(':', '-') + "-c" + c;
              trent.awaitPoolsFull(poolWait());
              Rate rate = recorded(phase + suffix, t, () -> load(wrk, trent, operation, c, 0, warmup, duration));
              log("HTTP %s %s C=%d: %s", server, operation, c, brief(rate));
              sweep.add(HttpCell.timed(server, operation.label(), c, 0, poolSize, rate));
            }
            http.addAll(sweep);
            if (halfRate) {
              trent.awaitPoolsFull(poolWait());
              http.add(halfRate(wrk, trent, server, operation, sweep, poolSize, warmup, duration));
            }
            if (poolSize > 0) {
              int n = burst > 0 ? burst : poolSize;
              bursts.put(operation, n);
              for (int c : connections) {
                trent.awaitPoolsFull(poolWait());
                http.add(burst(trent, server, operation, n, c, poolSize, t, suffix));
              }
            }
          }
        }
        if (!bursts.isEmpty() && inlineBurst > 0) {
          http.addAll(inlineBursts(options.withoutKeyPairPool(), bursts.keySet(), pin, t, dataDir, suffix));
        }
      }
    }
    return new PhaseRates(rawPair, rawHotPath, inProcess, http);
  }

  private Duration poolWait() {
    return Duration.ofSeconds(poolWaitSeconds);
  }

  /** A burst of exactly n requests over c connections (see {@link BurstLoad}); poolSize 0: the pairs are inline. */
  private HttpCell burst(HttpTrent trent, String server, HttpOperation operation, int n, int c, int poolSize, int t,
                         String suffix) throws Exception {
    String phase = "http-" + server.replace('/', '-') + "-" + operation.label().replace(':', '-') + "-burst"
        + (poolSize > 0 ? "-pool" : "-inline") + "-c" + c;
    // Signed afresh per burst, as wrk's requests are per run.
    Rate rate = recorded(phase + suffix, t, () -> BurstLoad.run(trent.port(),
        trent.request(HttpOperation.GENERATE_DATA_KEY), trent.request(operation), n, c));
    HttpCell cell = new HttpCell(server, operation.label(), c, 0, n, poolSize, rate);
    log("HTTP %s %s C=%d: %s", server, cell.description(), c, brief(rate));
    return cell;
  }

  /**
   * The same bursts on a server with no key pair pool, smaller (--inline-burst): every pair is generated inline,
   * a few RSA_2048 pairs a second on SoftHSM2. The server restarts on the pooled server's data directory, so it
   * knows that server's keys (a fresh one would report them as orphans in the token at start-up).
   */
  private List<HttpCell> inlineBursts(HttpTrent.Options options, Iterable<HttpOperation> operations, char[] pin, int t,
                                      Path dataDir, String suffix) throws Exception {
    String server = options.label();
    List<HttpCell> cells = new ArrayList<>();
    log("HTTP %s with no key pair pool: bursts of %d, every pair generated inline", server, inlineBurst);
    try (HttpTrent trent = HttpTrent.start(library, TOKEN_LABEL, pin, t, dataDir, options)) {
      for (HttpOperation operation : operations) {
        if (trent.poolSize(operation) > 0) {
          throw new IllegalStateException("The server without " + HttpTrent.KEY_PAIR_POOL_ENV + " still pools "
              + operation.keyPairSpec());
        }
        trent.probe(operation);
        for (int c : connections) {
          cells.add(burst(trent, server, operation, inlineBurst, c, 0, t, suffix));
        }
      }
    }
    return cells;
  }

  /** One server per auth mode and audit.sync, in that order; the first is the main table's HTTP column. */
  private List<HttpTrent.Options> serverOptions() {
    List<HttpTrent.Options> all = new ArrayList<>();
    for (Auth a : auth) {
      for (AuditSync sync : auditSync) {
        all.add(new HttpTrent.Options(a == Auth.sigv4, sync, serverEnv));
      }
    }
    return all;
  }

  /** A closed loop of C connections, each waiting a random 0 to 2 x thinkMillis before each request. */
  private Rate load(Path wrk, HttpTrent trent, HttpOperation operation, int c, int thinkMillis, Duration warmup,
                    Duration duration) throws Exception {
    if (wrk != null) {
      return WrkLoad.run(wrk, workDir, trent.port(), () -> trent.request(operation),
          new WrkLoad.Settings(c, wrkThreads, wrkCountStatuses, wrkNice, thinkMillis), warmup, duration);
    }
    if (thinkMillis > 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--half-rate needs wrk");
    }
    return JavaLoad.run(trent.port(), trent.request(operation), c, warmup, duration);
  }

  /**
   * Latency at half the best rate of the sweep: enough connections that each waits 20 ms or more on average
   * between requests (wrk's delay() has a 1 ms grain), so the think time, not the server, sets the rate.
   */
  private HttpCell halfRate(Path wrk, HttpTrent trent, String server, HttpOperation operation, List<HttpCell> sweep,
                            int poolSize, Duration warmup, Duration duration) throws Exception {
    HttpCell best = sweep.stream().max(java.util.Comparator.comparingDouble(cell -> cell.rate().perSecond())).orElseThrow();
    double target = Math.max(1, best.rate().perSecond() / 2);
    int c = (int) Math.max(best.connections(), Math.ceil(target * 0.020));
    int think = (int) Math.max(1, Math.round(1000.0 * c / target));
    Rate rate = load(wrk, trent, operation, c, think, warmup, duration);
    log("HTTP %s %s at half of %,.0f/s (C=%d, think %d ms): %s", server, operation, best.rate().perSecond(), c, think,
        brief(rate));
    return HttpCell.timed(server, operation.label(), c, think, poolSize, rate);
  }

  /** Steady load for --soak-minutes in one-minute wrk runs (each signed afresh), heap after GC at both ends. */
  private Map<String, Object> soak(Path wrk, char[] pin, Duration warmup, HttpOperation operation) throws Exception {
    int t = threads.get(0);
    int c = connections.get(0);
    HttpTrent.Options options = serverOptions().get(0);
    log("--- soak: %d minutes, T=%d, %s, %s, C=%d ---", soakMinutes, t, options.label(), operation, c);
    Map<String, Object> soak = new LinkedHashMap<>();
    soak.put("minutes", soakMinutes);
    soak.put("threads", t);
    soak.put("server", options.label());
    soak.put("operation", operation.label());
    soak.put("connections", c);
    try (HttpTrent trent = HttpTrent.start(library, TOKEN_LABEL, pin, t, workDir.resolve("soak"), options)) {
      trent.probe(operation);
      trent.awaitPoolsFull(poolWait());
      load(wrk, trent, operation, c, 0, Duration.ZERO, warmup.isZero() ? Duration.ofSeconds(1) : warmup);
      long heapStart = HeapAfterGc.bytes();
      List<Rate> minutes = new ArrayList<>();
      for (int m = 1; m <= soakMinutes; m++) {
        Rate rate = load(wrk, trent, operation, c, 0, Duration.ZERO, Duration.ofMinutes(1));
        log("soak minute %d/%d: %s", m, soakMinutes, brief(rate));
        minutes.add(rate);
      }
      long heapEnd = HeapAfterGc.bytes();
      soak.put("heapAfterGcStartBytes", heapStart);
      soak.put("heapAfterGcEndBytes", heapEnd);
      soak.put("perMinute", minutes);
    }
    return soak;
  }

  /** One table row: per phase the median round (by rate), the ratios of those, and every round. */
  private Map<String, Object> row(int t, List<PhaseRates> measured) {
    Rate rawPair = median(measured.stream().map(PhaseRates::rawRandomEncrypt).toList());
    Rate rawHotPath = median(measured.stream().map(PhaseRates::rawRandomIvEncrypt).toList());
    Rate inProcess = median(measured.stream().map(PhaseRates::inProcess).toList());
    // Per cell (server, operation, C) the median of its rounds; the first cell is the main table's HTTP column.
    Map<String, List<HttpCell>> byKey = new LinkedHashMap<>();
    for (PhaseRates rates : measured) {
      for (HttpCell cell : rates.http()) {
        byKey.computeIfAbsent(cell.key(), k -> new ArrayList<>()).add(cell);
      }
    }
    List<HttpCell> cells = new ArrayList<>();
    for (List<HttpCell> rounds : byKey.values()) {
      Rate middle = median(rounds.stream().map(HttpCell::rate).toList());
      cells.add(rounds.stream().filter(cell -> cell.rate() == middle).findFirst().orElseThrow());
    }
    Rate http = cells.isEmpty() ? null : cells.get(0).rate();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("threads", t);
    row.put("connections", cells.isEmpty() ? connections.get(0) : cells.get(0).connections());
    row.put("rawRandomEncrypt", rawPair);
    row.put("rawRandomIvEncrypt", rawHotPath);
    row.put("inProcess", inProcess);
    row.put("http", http);
    Map<String, Double> ratios = new LinkedHashMap<>();
    ratios.put("httpToRaw", ratio(http, rawPair));
    ratios.put("httpToRawHotPath", ratio(http, rawHotPath));
    ratios.put("inProcessToRaw", ratio(inProcess, rawPair));
    ratios.put("inProcessToRawHotPath", ratio(inProcess, rawHotPath));
    ratios.put("httpToInProcess", ratio(http, inProcess));
    row.put("ratios", ratios);
    List<Map<String, Object>> httpCells = new ArrayList<>();
    for (HttpCell cell : cells) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("server", cell.server());
      entry.put("operation", cell.operation());
      entry.put("description", cell.description());
      entry.put("connections", cell.connections());
      entry.put("thinkMillis", cell.thinkMillis());
      entry.put("burst", cell.burst());
      entry.put("keyPairPoolSize", cell.poolSize());
      entry.put("rate", cell.rate());
      entry.put("toRaw", ratio(cell.rate(), rawPair));
      httpCells.add(entry);
    }
    row.put("httpCells", httpCells);
    if (measured.size() > 1) {
      row.put("rounds", measured);
    }
    return row;
  }

  /**
   * The median by rate, or null when the phase was not run. For an even count, the upper middle:
   * other processes on the machine only ever slow a measurement down.
   */
  private static Rate median(List<Rate> rates) {
    List<Rate> present = new ArrayList<>(rates.stream().filter(r -> r != null).toList());
    if (present.isEmpty()) {
      return null;
    }
    present.sort(java.util.Comparator.comparingDouble(Rate::perSecond));
    return present.get(present.size() / 2);
  }

  private void validate() {
    CommandLine cmd = new CommandLine(this);
    if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1 || t > 256)) {
      throw new CommandLine.ParameterException(cmd, "--threads must be between 1 and 256");
    }
    if (connections.isEmpty() || connections.stream().anyMatch(c -> c < 1) || soakMinutes < 0) {
      throw new CommandLine.ParameterException(cmd, "--connections must be positive, --soak-minutes not negative");
    }
    try {
      operations.forEach(HttpOperation::parse);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd, "--operations: " + e.getMessage());
    }
    if (burst < 0 || inlineBurst < 0 || poolWaitSeconds < 1) {
      throw new CommandLine.ParameterException(cmd,
          "--burst and --inline-burst must not be negative, --pool-wait-seconds must be positive");
    }
    if (seconds > 240 || warmupSeconds > 240) {
      // A signed request is valid for the server's 5-minute clock skew; wrk sends the same one throughout.
      throw new CommandLine.ParameterException(cmd, "--seconds and --warmup-seconds must be at most 240");
    }
    if (seconds < 1 || warmupSeconds < 0 || wrkThreads < 1 || rounds < 1) {
      throw new CommandLine.ParameterException(cmd,
          "--seconds, --rounds and --wrk-threads must be positive");
    }
    if (!Files.isRegularFile(library)) {
      throw new CommandLine.ParameterException(cmd, "No PKCS#11 library at " + library);
    }
    if (library.toString().contains("softhsm") && System.getenv("SOFTHSM2_CONF") == null) {
      throw new CommandLine.ParameterException(cmd,
          "SOFTHSM2_CONF is not set: the benchmark must not create tokens in the system token directory. Use benchmark/run.");
    }
  }

  private Path chooseWrk() {
    if (loadGenerator == LoadGenerator.java) {
      return null;
    }
    Path wrk = WrkLoad.find();
    if (wrk == null && loadGenerator == LoadGenerator.wrk) {
      throw new CommandLine.ParameterException(new CommandLine(this), "wrk is not on the PATH (apt-get install wrk)");
    }
    if (wrk == null) {
      log("wrk not found: using the Java HttpClient load generator (costs more CPU; install wrk)");
    }
    return wrk;
  }

  /** Runs one measurement, under a JFR recording when --jfr-dir is set. */
  private Rate recorded(String phase, int t, Callable<Rate> measurement) throws Exception {
    if (jfrDir == null) {
      return measurement.call();
    }
    Files.createDirectories(jfrDir);
    try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
      // The 'profile' default (10 ms Java, 20 ms native) gives too few samples for a 10 s window.
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
      recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(1));
      recording.start();
      Rate rate = measurement.call();
      recording.stop();
      Path file = jfrDir.resolve(phase + "-t" + t + ".jfr");
      recording.dump(file);
      log("JFR recording: %s", file);
      return rate;
    }
  }

  /** A fresh 16-hex-digit PIN; it lives only in this JVM, the token dies with the run. */
  private static char[] randomPin() {
    byte[] bytes = new byte[8];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes).toCharArray();
  }

  private static Double ratio(Rate numerator, Rate denominator) {
    if (numerator == null || denominator == null || denominator.perSecond() == 0) {
      return null;
    }
    return Math.round(numerator.perSecond() / denominator.perSecond() * 1000) / 1000.0;
  }

  private static String brief(Rate rate) {
    return String.format(Locale.ROOT,
        "%,.0f/s (%d ops in %.1f s, %d errors%s; cpu cores: jvm %s%s, other %s; jvm threads %s)",
        rate.perSecond(), rate.operations(), rate.seconds(), rate.errors(),
        rate.errorKinds().isEmpty() ? "" : " " + rate.errorKinds(),
        rate.jvmCpuCores(), rate.loadGeneratorCpuCores() == null ? "" : ", wrk " + rate.loadGeneratorCpuCores(),
        rate.otherCpuCores(), rate.threadCpuCores());
  }

  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static Long totalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return null;
  }

  static void log(String format, Object... args) {
    System.err.println("benchmark: " + String.format(Locale.ROOT, format, args));
    System.err.flush();
  }
}
