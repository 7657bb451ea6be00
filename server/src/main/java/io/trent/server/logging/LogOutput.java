package io.trent.server.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import io.trent.server.config.LogFormat;
import java.io.OutputStream;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Where the server's log lines go and in which format. {@code logback.xml} starts every process with text
 * lines on stderr; {@code server.logFormat: json} switches the root logger to one JSON object per line (Logback's
 * {@link JsonEncoder}) once the configuration is read, so only lines before that are text.
 *
 * <p>A JSON line carries {@code timestamp} (epoch milliseconds), {@code level}, {@code threadName},
 * {@code loggerName}, {@code mdc} (with {@code requestId} while a request is served, see {@link RequestLogScope}),
 * {@code formattedMessage} and, for an error, {@code throwable}. The raw message pattern and its arguments are
 * left out: the formatted message says the same once.
 */
public final class LogOutput {
  private static final String APPENDER = "json";

  private LogOutput() {}

  /** Switches the process's log to {@code format} on stderr; a no-op for text, which is what it starts with. */
  public static void use(LogFormat format) {
    if (format == LogFormat.JSON) {
      ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
      stderr.setTarget("System.err");
      useJson(stderr);
    }
  }

  /** JSON lines to {@code out} instead of stderr (tests read them back). */
  static void useJson(OutputStream out) {
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setOutputStream(out);
    useJson(appender);
  }

  /** Back to {@code logback.xml}'s text lines (tests). */
  static void useDefault() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.reset();
      try {
        new ContextInitializer(context).autoConfig();
      } catch (JoranException e) {
        throw new IllegalStateException("logback.xml cannot be read", e);
      }
    }
  }

  private static void useJson(OutputStreamAppender<ILoggingEvent> appender) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      // Another SLF4J provider (an embedding application's): its configuration is its own.
      LoggerFactory.getLogger(LogOutput.class).warn("server.logFormat json needs Logback; the log stays as it is");
      return;
    }
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    appender.setContext(context);
    appender.setName(APPENDER);
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }
}
