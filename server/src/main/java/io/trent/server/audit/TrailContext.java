package io.trent.server.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.trent.core.key.Arn;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.key.ServiceIdentity;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What every event of one server shares: the region and account it answers as, the HSM token its keys live
 * on, and the clock that dates events; and the fields that are the same in every event, in CloudTrail's order.
 *
 * @param identity the partition, region and account
 * @param tokenLabel the PKCS#11 token's label
 * @param tokenSerial the token's serial number (read per event: a reconnect may find another token), or null
 * @param clock dates events (the service's clock, so tests that move time see it)
 */
public record TrailContext(ServiceIdentity identity, String tokenLabel, Supplier<String> tokenSerial, Clock clock) {
  /** CloudTrail's current record version for KMS events [reference §4.1]. */
  static final String EVENT_VERSION = "1.11";
  static final String EVENT_SOURCE = "kms.amazonaws.com";

  /** The first fields of an event: version, identity, time, source, name, region. */
  ObjectNode begin(ObjectNode userIdentity, String eventName) {
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("eventVersion", EVENT_VERSION);
    event.set("userIdentity", userIdentity);
    // CloudTrail writes whole seconds in UTC, e.g. 2026-12-03T20:34:29Z.
    event.put("eventTime", EventSecond.text(clock.instant()));
    event.put("eventSource", EVENT_SOURCE);
    event.put("eventName", eventName);
    event.put("awsRegion", identity.region());
    return event;
  }

  /** A fresh event id: CloudTrail's is a random UUID. */
  static String newEventId() {
    return UUID.randomUUID().toString();
  }

  /** {@code [{accountId, type AWS::KMS::Key, ARN}]} for each key id. */
  ArrayNode resources(Iterable<Arn> keyArns) {
    ArrayNode resources = JsonNodeFactory.instance.arrayNode();
    for (Arn keyArn : keyArns) {
      resources.addObject().put("accountId", keyArn.accountId()).put("type", "AWS::KMS::Key")
          .put("ARN", keyArn.value());
    }
    return resources;
  }

  /** The {@code trent} object's HSM part: the token's label and serial. */
  ObjectNode trent() {
    ObjectNode trent = JsonNodeFactory.instance.objectNode();
    trent.put("tokenLabel", tokenLabel);
    trent.put("tokenSerial", tokenSerial == null ? null : tokenSerial.get());
    return trent;
  }
}
