package io.trent.server.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.auth.Caller;

/**
 * CloudTrail's {@code userIdentity} for the callers Trent knows [ctdoc:cloudtrail-event-reference-user-identity].
 * Trent has no IAM unique ids (AIDA..., AROA...), so {@code principalId} is the account id for a root, as
 * CloudTrail writes it, and the principal ARN otherwise.
 */
final class UserIdentity {
  private UserIdentity() {}

  /** A verified caller: Root, IAMUser or AssumedRole by its ARN. */
  static ObjectNode of(Caller caller) {
    String arn = caller.principalArn();
    String resource = arn.substring(arn.lastIndexOf(':') + 1);
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    if (resource.equals("root")) {
      node.put("type", "Root").put("principalId", caller.accountId());
    } else if (resource.startsWith("role/") || resource.startsWith("assumed-role/")) {
      node.put("type", "AssumedRole").put("principalId", arn);
    } else {
      node.put("type", "IAMUser").put("principalId", arn);
    }
    node.put("arn", arn).put("accountId", caller.accountId()).put("accessKeyId", caller.accessKeyId());
    if (resource.startsWith("user/")) {
      node.put("userName", resource.substring(resource.lastIndexOf('/') + 1));
    }
    return node;
  }

  /**
   * Dev mode without signatures: nobody is identified, so one fixed anonymous identity, as CloudTrail records
   * anonymous S3 requests ({@code type AWSAccount}, {@code accountId anonymous})
   * [D AmazonS3 cloudtrail-logging-understanding-s3-entries]. Requests still run as the account root.
   */
  static ObjectNode anonymous() {
    return JsonNodeFactory.instance.objectNode().put("type", "AWSAccount").put("principalId", "")
        .put("accountId", "anonymous");
  }

  /**
   * A request whose authentication failed: CloudTrail's {@code Unknown} type (an identity it cannot determine),
   * with the access key id the request claimed, which is no secret.
   */
  static ObjectNode unauthenticated(String claimedAccessKeyId) {
    ObjectNode node = JsonNodeFactory.instance.objectNode().put("type", "Unknown");
    if (claimedAccessKeyId != null) {
      node.put("accessKeyId", claimedAccessKeyId);
    }
    return node;
  }

  /** Trent itself (scheduled work, start and stop): CloudTrail's service events say {@code AWS Internal}. */
  static ObjectNode internal(String accountId) {
    return JsonNodeFactory.instance.objectNode().put("accountId", accountId).put("invokedBy", ServiceEvents.INTERNAL);
  }
}
