package io.trent.benchmark;

/**
 * One HTTP measurement: a server configuration, an operation, a connection count, and its rate.
 *
 * @param server the server's configuration, e.g. {@code sigv4/batch} (auth mode / audit.sync)
 * @param operation the operation's label, e.g. {@code GenerateDataKeyPair:ECC_NIST_P256}
 * @param connections wrk's keep-alive connections
 * @param thinkMillis the mean wait of each connection before each request; 0 for a saturating closed loop
 * @param rate what was measured
 */
record HttpCell(String server, String operation, int connections, int thinkMillis, Rate rate) {

  /** Rounds of the same cell share this key (a half-rate cell's connection count may move between rounds). */
  String key() {
    return server + " " + operation + " " + (thinkMillis > 0 ? "half" : "C" + connections);
  }

  boolean halfRate() {
    return thinkMillis > 0;
  }
}
