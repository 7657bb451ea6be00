package io.trent.policy;

/**
 * The forms an AWS principal takes in a policy and in a request: a 12-digit account id or the account
 * principal {@code arn:<partition>:iam::<account>:root} (both mean the account, i.e. delegation to its
 * IAM policies), IAM users and roles ({@code arn:aws:iam::<account>:user/<path/name>}, {@code role/...}),
 * and STS session principals ({@code arn:aws:sts::<account>:assumed-role/<role>/<session>},
 * {@code federated-user/<name>}) [D iamdoc:reference_policies_elements_principal]. Wildcards are not
 * allowed inside a principal ARN [D repost kms-policy-error-invalid-principals].
 */
final class PrincipalArn {
  private PrincipalArn() {}

  static boolean isValidPolicyPrincipal(String v) {
    if (v.equals("*") || isAccountId(v)) {
      return true;
    }
    if (v.indexOf('*') >= 0 || v.indexOf('?') >= 0) {
      return false;
    }
    String[] p = v.split(":", 6);
    if (p.length != 6 || !p[0].equals("arn") || !isPartition(p[1]) || !p[3].isEmpty() || !isAccountId(p[4])) {
      return false;
    }
    String resource = p[5];
    return switch (p[2]) {
      case "iam" -> resource.equals("root") || namedResource(resource, "user/") || namedResource(resource, "role/");
      case "sts" -> namedResource(resource, "federated-user/")
          || (resource.startsWith("assumed-role/") && resource.indexOf('/', "assumed-role/".length()) > "assumed-role/".length()
              && !resource.endsWith("/"));
      default -> false;
    };
  }

  /** The account an account entry ({@code 111122223333} or its root ARN) names, or null if it is not one. */
  static String accountOf(String entry) {
    if (isAccountId(entry)) {
      return entry;
    }
    if (entry.startsWith("arn:") && entry.endsWith(":root")) {
      String[] p = entry.split(":", 6);
      if (p.length == 6 && p[2].equals("iam") && isAccountId(p[4]) && p[5].equals("root")) {
        return p[4];
      }
    }
    return null;
  }

  /** Whether a request principal is an account's root user. */
  static boolean isRoot(String principalArn) {
    return accountOf(principalArn) != null && principalArn.startsWith("arn:");
  }

  static boolean isAccountId(String v) {
    if (v.length() != 12) {
      return false;
    }
    for (int i = 0; i < 12; i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isPartition(String p) {
    if (p.isEmpty()) {
      return false;
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (!((c >= 'a' && c <= 'z') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean namedResource(String resource, String prefix) {
    return resource.startsWith(prefix) && resource.length() > prefix.length() && !resource.endsWith("/");
  }
}
