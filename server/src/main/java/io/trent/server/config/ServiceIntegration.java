package io.trent.server.config;

import io.trent.core.auth.PrincipalArn;

/**
 * One entry of {@code auth.services}: a principal that an operator declares to be an integrated service
 * (e.g. an S3-compatible store that encrypts objects under KMS keys). Requests signed by that principal
 * carry {@code kms:ViaService = <service>.<region>.amazonaws.com}, AWS's name for a request an integrated
 * service makes [D kdg:conditions-kms#conditions-kms-via-service]. See docs/security-guide.md for the trust
 * this implies.
 *
 * @param principal the IAM user or role ARN the service signs with (not an account root)
 * @param service the service's name as in AWS's ViaService names, e.g. {@code s3}, {@code rds}, {@code backup-gateway}
 */
public record ServiceIntegration(String principal, String service) {
  public ServiceIntegration {
    if (principal == null || service == null) {
      throw new ConfigException("auth.services: each entry needs a principal and a service, e.g. "
          + "{principal: arn:aws:iam::111122223333:role/s3, service: s3}");
    }
    PrincipalArn arn;
    try {
      arn = PrincipalArn.parse(principal);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("auth.services: " + e.getMessage());
    }
    if (arn.kind() == PrincipalArn.Kind.ROOT) {
      throw new ConfigException("auth.services: an account root cannot be a service principal: " + principal);
    }
    if (!service.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new ConfigException("auth.services: '" + service + "' is not a service name (lower-case letters, digits"
          + " and '-', e.g. s3)");
    }
  }

  /** The value of {@code kms:ViaService} for a request in {@code region}, e.g. {@code s3.us-east-1.amazonaws.com}. */
  public String viaService(String region) {
    return service + "." + region + ".amazonaws.com";
  }
}
