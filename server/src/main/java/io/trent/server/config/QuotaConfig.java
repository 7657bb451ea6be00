package io.trent.server.config;

import io.trent.server.quota.RequestQuotas;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code kms.quotas} section: AWS KMS's request quotas, requests per second per account and Region.
 *
 * <p>Off by default: a Trent node's capacity is its HSM, which the bounded worker queue already protects
 * (a full queue answers ThrottlingException), and AWS's quotas would throttle ordinary development and test work
 * (CreateKey is 5 per second). With {@code enabled: true}, AWS's defaults ({@link RequestQuotas#AWS_DEFAULTS})
 * apply, and {@code requestsPerSecond} changes any of them by name.
 *
 * @param enabled whether requests are throttled by quota at all
 * @param requestsPerSecond quota name to its rate, over AWS's defaults, e.g. {@code CreateKey: 20},
 *     {@code CryptographicOperationsSymmetric: 50000}, {@code GenerateDataKeyPair.RSA_2048: 5}
 */
public record QuotaConfig(boolean enabled, Map<String, Double> requestsPerSecond) {
  public static final QuotaConfig OFF = new QuotaConfig(false, Map.of());

  public QuotaConfig {
    requestsPerSecond = requestsPerSecond == null ? Map.of() : Map.copyOf(requestsPerSecond);
    for (Map.Entry<String, Double> entry : requestsPerSecond.entrySet()) {
      if (!RequestQuotas.isQuota(entry.getKey())) {
        throw new ConfigException("kms.quotas.requestsPerSecond: unknown quota '" + entry.getKey() + "' (known: "
            + RequestQuotas.AWS_DEFAULTS.keySet() + ", ListKeyRotations)");
      }
      Double rate = entry.getValue();
      if (rate == null || !(rate > 0) || rate.isInfinite()) {
        throw new ConfigException("kms.quotas.requestsPerSecond." + entry.getKey() + " must be a positive number, not "
            + rate);
      }
    }
  }

  /** The rates in force: AWS's defaults with the configured ones over them; empty when quotas are off. */
  public Map<String, Double> rates() {
    if (!enabled) {
      return Map.of();
    }
    Map<String, Double> rates = new LinkedHashMap<>(RequestQuotas.AWS_DEFAULTS);
    rates.putAll(requestsPerSecond);
    return rates;
  }
}
