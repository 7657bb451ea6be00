package io.trent.benchmark;

/**
 * One HTTP measurement: a server configuration, an operation, a connection count, and its rate.
 *
 * @param server the server's configuration, e.g. {@code sigv4/batch} (auth mode / audit.sync)
 * @param operation the operation's label, e.g. {@code GenerateDataKeyPair:ECC_NIST_P256}
 * @param connections keep-alive connections
 * @param thinkMillis the mean wait of each connection before each request; 0 for a saturating closed loop
 * @param burst the number of requests of a fixed-count burst ({@link BurstLoad}); 0 for a timed measurement
 * @param poolSize the size of the key pair pool serving the operation, full when the measurement started; 0 when
 *     none serves it (GenerateDataKeyPair then generates every pair inline)
 * @param rate what was measured
 */
record HttpCell(String server, String operation, int connections, int thinkMillis, int burst, int poolSize,
                Rate rate) {

  /** A timed measurement: a closed loop, or with a think time the latency at half load. */
  static HttpCell timed(String server, String operation, int connections, int thinkMillis, int poolSize, Rate rate) {
    return new HttpCell(server, operation, connections, thinkMillis, 0, poolSize, rate);
  }

  /** Rounds of the same cell share this key (a half-rate cell's connection count may move between rounds). */
  String key() {
    String load = burst > 0 ? "burst C" + connections + (poolSize > 0 ? " pool" : " inline")
        : thinkMillis > 0 ? "half" : "C" + connections;
    return server + " " + operation + " " + load;
  }

  boolean halfRate() {
    return thinkMillis > 0;
  }

  /** How tables describe the operation: with its pool, or for a burst, where the pairs came from. */
  String description() {
    if (burst > 0) {
      return operation + (poolSize > 0 ? " burst " + burst + ", pool " + poolSize : " burst " + burst + ", no pool");
    }
    return poolSize > 0 ? operation + " (pool " + poolSize + ")" : operation;
  }
}
