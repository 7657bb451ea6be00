package io.trent.core.grant;

import io.trent.policy.Grant;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A grant on a KMS key, as stored and as ListGrants shows it [M GrantListEntry].
 *
 * @param keyId the key's id
 * @param grantId 64 lowercase hex digits, as AWS issues them
 * @param name the Name given to CreateGrant, or null
 * @param createdAt when it was created
 * @param granteePrincipal who it allows
 * @param retiringPrincipal who may retire it besides the grantee (with RetireGrant) and the issuing account, or null
 * @param issuingAccount the account it was created in, as {@code arn:<partition>:iam::<account>:root}
 * @param operations what it allows, in the order given
 * @param constraints its encryption context constraints
 */
public record KmsGrant(String keyId, String grantId, String name, Instant createdAt, String granteePrincipal,
    String retiringPrincipal, String issuingAccount, List<GrantOperation> operations, GrantConstraints constraints) {
  public KmsGrant {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(grantId, "grantId");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(granteePrincipal, "granteePrincipal");
    Objects.requireNonNull(issuingAccount, "issuingAccount");
    operations = List.copyOf(operations);
    constraints = constraints == null ? GrantConstraints.NONE : constraints;
  }

  public boolean allows(GrantOperation operation) {
    return operations.contains(operation);
  }

  /** What the policy evaluator needs of it. */
  public Grant forEvaluation() {
    Set<String> ops = operations.stream().map(Enum::name).collect(Collectors.toSet());
    return new Grant(grantId, granteePrincipal, ops, constraints.encryptionContextEquals(),
        constraints.encryptionContextSubset());
  }

  /**
   * Whether a CreateGrant retry with these parameters and the same Name is this grant: AWS returns the original
   * GrantId for identical parameters [M CreateGrant Name doc].
   */
  public boolean sameRequest(String otherGrantee, String otherRetiring, List<GrantOperation> otherOperations,
      GrantConstraints otherConstraints) {
    return granteePrincipal.equals(otherGrantee) && Objects.equals(retiringPrincipal, otherRetiring)
        && Set.copyOf(operations).equals(Set.copyOf(otherOperations)) && constraints.equals(otherConstraints);
  }

  /** The account a grantee names (its 12 digits, or the account field of its ARN), or "" for a service principal. */
  public static String accountOf(String principal) {
    if (principal.length() == 12 && principal.chars().allMatch(Character::isDigit)) {
      return principal;
    }
    String[] parts = principal.split(":", 6);
    return parts.length == 6 && parts[0].equals("arn") ? parts[4] : "";
  }
}
