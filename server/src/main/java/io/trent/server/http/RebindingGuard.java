package io.trent.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.trent.server.config.ServerConfig;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses requests a web page could have made through the developer's browser (DNS rebinding):
 * the {@code Host} header must name a configured host (any port), and a request that carries an
 * {@code Origin} header (browsers add it; AWS SDKs and the CLI never do) must come from a
 * configured origin.
 *
 * <p>The refusal is HTTP 403 with the type AccessDeniedException: AWS never receives such a request
 * (its endpoints answer only their own names), so there is no AWS answer to copy; the type is the
 * KMS one for "you may not do this", and 403 rather than KMS's 400 because the refusal comes from
 * the HTTP edge, as a front end's would. Nothing runs for a refused request.
 *
 * <p>Runs on the event loop for every request: a few set lookups and string scans, no regex.
 */
final class RebindingGuard {
  static final String HOST_REFUSED =
      "The Host header does not name this server; add the name to server.allowedHosts.";
  static final String ORIGIN_REFUSED =
      "Requests from a browser origin are refused unless it is listed in server.allowedOrigins.";
  private static final Reply REFUSED_HOST =
      Reply.edgeError(HttpResponseStatus.FORBIDDEN, "AccessDeniedException", HOST_REFUSED, false);
  private static final Reply REFUSED_ORIGIN =
      Reply.edgeError(HttpResponseStatus.FORBIDDEN, "AccessDeniedException", ORIGIN_REFUSED, false);

  private final Set<String> hosts;
  private final Set<String> origins;

  private RebindingGuard(Set<String> hosts, Set<String> origins) {
    this.hosts = Set.copyOf(hosts);
    this.origins = Set.copyOf(origins);
  }

  /** The configured host names plus the bind address (unless it is a wildcard), and the configured origins. */
  static RebindingGuard of(ServerConfig config) {
    Set<String> hosts = new HashSet<>(config.allowedHosts());
    String bind = config.host().trim();
    if (!bind.equals("0.0.0.0") && !bind.equals("::") && !bind.equals("[::]")) {
      hosts.add(ServerConfig.hostName(bind));
    }
    return new RebindingGuard(hosts, Set.copyOf(config.allowedOrigins()));
  }

  /**
   * The refusal for a request with these headers, or null to serve it.
   *
   * @param host the Host header, or null when absent (an HTTP/1.0 request)
   * @param origin the Origin header, or null when absent
   */
  Reply check(String host, String origin) {
    String name = hostName(host);
    if (name == null || !(hosts.contains(name) || hosts.contains(name.toLowerCase(Locale.ROOT)))) {
      return REFUSED_HOST;
    }
    if (origin != null && !(origins.contains(origin) || origins.contains(origin.toLowerCase(Locale.ROOT)))) {
      return REFUSED_ORIGIN;
    }
    return null;
  }

  /**
   * The host part of a Host header ({@code name}, {@code name:port}, {@code [v6]} or
   * {@code [v6]:port}), or null when the header is absent or malformed.
   */
  static String hostName(String header) {
    if (header == null || header.isEmpty()) {
      return null;
    }
    int end;
    if (header.charAt(0) == '[') {
      end = header.indexOf(']') + 1;
      if (end == 0) {
        return null;
      }
    } else {
      end = header.indexOf(':');
      if (end < 0) {
        return header;
      }
    }
    if (end == 0) {
      return null;
    }
    if (end < header.length()) {
      if (header.charAt(end) != ':' || end + 1 == header.length()) {
        return null;
      }
      for (int i = end + 1; i < header.length(); i++) {
        char c = header.charAt(i);
        if (c < '0' || c > '9') {
          return null;
        }
      }
    }
    return header.substring(0, end);
  }
}
