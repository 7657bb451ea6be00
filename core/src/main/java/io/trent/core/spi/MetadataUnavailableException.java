package io.trent.core.spi;

/**
 * The metadata database could not be reached or did not answer in time (an outage, a failover, a
 * statement timeout): the operation did not happen, or its transaction was rolled back, and may be
 * retried. Any {@link MetadataStore} method may throw it, within the store's configured bound; the
 * server answers it as AWS's retryable DependencyTimeoutException (HTTP 500). The message never holds
 * a password or a row's contents.
 */
public final class MetadataUnavailableException extends RuntimeException {
  public MetadataUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
