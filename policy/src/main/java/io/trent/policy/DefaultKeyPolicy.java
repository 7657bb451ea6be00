package io.trent.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The key policy AWS assigns when CreateKey/ReplicateKey get no {@code Policy}: one statement, Sid
 * {@code Enable IAM User Permissions}, allowing the owning account principal {@code kms:*}, i.e. delegating
 * the key to the account's IAM policies [S localstack test_kms.snapshot.json ReplicaPolicy; D/M
 * GetKeyPolicy example]. GetKeyPolicy returns it pretty-printed with two-space indents, {@code " : "} and
 * arrays as {@code [ { ... } ]}, which is Jackson's default pretty printer.
 */
public final class DefaultKeyPolicy {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DefaultKeyPolicy() {}

  /** The policy text for an account in the {@code aws} partition, exactly as GetKeyPolicy returns it. */
  public static String text(String accountId) {
    return text("aws", accountId);
  }

  public static String text(String partition, String accountId) {
    if (!PrincipalArn.isAccountId(accountId)) {
      throw new IllegalArgumentException("not a 12-digit account id");
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("Version", "2012-10-17");
    root.put("Id", "key-default-1");
    ObjectNode statement = root.putArray("Statement").addObject();
    statement.put("Sid", "Enable IAM User Permissions");
    statement.put("Effect", "Allow");
    statement.putObject("Principal").put("AWS", "arn:" + partition + ":iam::" + accountId + ":root");
    statement.put("Action", "kms:*");
    statement.put("Resource", "*");
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The parsed default policy. */
  public static PolicyDocument document(String accountId) {
    return PolicyParser.parseKeyPolicy(text(accountId));
  }
}
