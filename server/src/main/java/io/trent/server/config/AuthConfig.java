package io.trent.server.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code auth} section.
 *
 * @param mode how callers are authenticated: {@link AuthMode#DEV} or {@link AuthMode#SIGV4}
 * @param regions the regions a SigV4 credential scope may name (in dev mode any region is served)
 * @param services the principals that are integrated services ({@code kms:ViaService}), none by default
 */
public record AuthConfig(AuthMode mode, List<String> regions, List<ServiceIntegration> services) {
  public AuthConfig {
    if (mode == null) {
      throw new ConfigException("auth.mode must be set (dev or sigv4)");
    }
    regions = regions == null ? List.of() : List.copyOf(regions);
    if (mode == AuthMode.SIGV4 && regions.isEmpty()) {
      throw new ConfigException("auth.regions must name at least one region, e.g. [us-east-1]");
    }
    for (String region : regions) {
      if (region == null || !region.matches("[a-z0-9-]{1,64}")) {
        throw new ConfigException("auth.regions: '" + region + "' is not a region name (e.g. us-east-1)");
      }
    }
    services = services == null ? List.of() : List.copyOf(services);
    Set<String> seen = new HashSet<>();
    for (ServiceIntegration service : services) {
      if (!seen.add(service.principal())) {
        throw new ConfigException("auth.services: " + service.principal() + " is listed twice");
      }
    }
  }

  /** Without integrated services. */
  public AuthConfig(AuthMode mode, List<String> regions) {
    this(mode, regions, List.of());
  }
}
