package io.trent.pkcs11;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends ipkcs11wrapper's own log lines to slf4j instead of System.out (its default).
 *
 * <p>Its INFO lines (a licence banner, one line per opened session) go to DEBUG. Its DEBUG and
 * TRACE lines are dropped: they dump attribute vectors, which can hold key material.
 */
final class WrapperLogBridge implements org.xipki.pkcs11.wrapper.Logger {

  private static final Logger LOG = LoggerFactory.getLogger("org.xipki.pkcs11.wrapper");

  @Override
  public void info(String format, Object... arguments) {
    LOG.debug(format, arguments);
  }

  @Override
  public void warn(String format, Object... arguments) {
    LOG.warn(format, arguments);
  }

  @Override
  public void error(String format, Object... arguments) {
    LOG.error(format, arguments);
  }

  @Override
  public void debug(String format, Object... arguments) {
    // dropped on purpose, see the class comment
  }

  @Override
  public void trace(String format, Object... arguments) {
    // dropped on purpose, see the class comment
  }

  @Override
  public boolean isDebugEnabled() {
    return false;
  }

  @Override
  public boolean isInfoEnabled() {
    return LOG.isDebugEnabled();
  }

  @Override
  public boolean isWarnEnabled() {
    return LOG.isWarnEnabled();
  }

  @Override
  public boolean isTraceEnabled() {
    return false;
  }
}
