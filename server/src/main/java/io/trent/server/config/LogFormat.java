package io.trent.server.config;

/** How log lines are written ({@code server.logFormat}). */
public enum LogFormat {
  /** One readable line per event: time, thread, level, logger, message (dev, and the default). */
  TEXT,
  /** One JSON object per line, with the request id in {@code mdc.requestId}: for log collectors in production. */
  JSON
}
