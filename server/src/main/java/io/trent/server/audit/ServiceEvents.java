package io.trent.server.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.trent.core.key.Arn;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.audit.InternalEvent;
import io.trent.server.config.TrentConfig;
import java.util.List;

/**
 * The events of work no request asked for, in the shape of CloudTrail's KMS service events
 * ({@code eventType AwsServiceEvent}, {@code invokedBy AWS Internal}, as KMS logs RotateKey, DeleteKey and
 * DeleteExpiredKeyMaterial [reference §4.1]); what was done is in {@code serviceEventDetails}. Trent's own
 * events (StartServer, StopServer, AddPrincipal, RemovePrincipal) have the same shape.
 */
public final class ServiceEvents {
  /** What CloudTrail writes as the source, agent and invoker of a service event. */
  static final String INTERNAL = "AWS Internal";

  private final TrailContext context;

  public ServiceEvents(TrailContext context) {
    this.context = context;
  }

  /** Automatic rotation, a scheduled deletion carried out, or expired imported material deleted. */
  public ObjectNode of(InternalEvent internal) {
    ObjectNode details = JsonNodeFactory.instance.objectNode().put("keyId", internal.keyArn().value());
    internal.keyMaterialIds().forEach(details.putArray("keyMaterialIds")::add);
    return event(internal.kind().eventName(), List.of(internal.keyArn()), details, false);
  }

  /**
   * The server started with this configuration: what an auditor needs to know of how it runs (listener, TLS,
   * authentication, identity, token, store, limits), never a secret: no PIN, no password, no key file contents,
   * and the JDBC URL without its query (which may carry credentials).
   */
  public ObjectNode serverStarted(TrentConfig config) {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    c.putObject("server").put("host", config.server().host()).put("port", config.server().port())
        .put("hsmWorkers", config.server().hsmWorkers()).put("maxRequestBytes", config.server().maxRequestBytes());
    c.putObject("tls").put("enabled", config.tls().enabled()).put("mutual", !config.tls().clientCa().isEmpty());
    ObjectNode auth = c.putObject("auth").put("mode", config.auth().mode().name().toLowerCase(java.util.Locale.ROOT));
    config.auth().regions().forEach(auth.putArray("regions")::add);
    c.putObject("identity").put("partition", config.identity().partition()).put("region", config.identity().region())
        .put("accountId", config.identity().accountId());
    c.putObject("pkcs11").put("library", config.pkcs11().library().toString())
        .put("tokenLabel", config.pkcs11().tokenLabel()).put("sessionPoolSize", config.pkcs11().sessionPoolSize())
        .put("ivSource", String.valueOf(config.pkcs11().ivSource()));
    String url = config.metadata().jdbcUrl();
    c.putObject("metadata").put("store", config.metadata().embedded() ? "embedded" : url.split("[?;]", 2)[0]);
    c.putObject("kms").put("onDemandRotationLimit", config.kms().onDemandRotationLimit())
        .put("gcmRotationThreshold", config.kms().gcmRotationThreshold())
        .put("gcmEncryptionLimit", config.kms().gcmEncryptionLimit())
        .put("maintenanceIntervalMillis", config.kms().maintenanceIntervalMillis());
    // How durable each event was before its response (docs/audit.md, "Durability").
    c.putObject("audit").put("sync", config.audit().sync().name().toLowerCase(java.util.Locale.ROOT))
        .put("syncIntervalMillis", config.audit().syncIntervalMillis());
    c.put("dataDir", config.dataDir().toString());
    ObjectNode details = JsonNodeFactory.instance.objectNode();
    details.set("configuration", c);
    return event("StartServer", List.of(), details, false);
  }

  /** The server stopped cleanly (every request it accepted was answered). */
  public ObjectNode serverStopped() {
    return event("StopServer", List.of(), JsonNodeFactory.instance.objectNode(), false);
  }

  /**
   * {@code trent principal add}: the principal and the access key issued to it (its id; never the secret or the
   * session token), and whether it has an identity policy.
   */
  public ObjectNode principalAdded(String principalArn, String accessKeyId, boolean withPolicy) {
    ObjectNode details = JsonNodeFactory.instance.objectNode().put("principalArn", principalArn)
        .put("accessKeyId", accessKeyId).put("identityPolicy", withPolicy);
    return event("AddPrincipal", List.of(), details, false);
  }

  /** {@code trent principal remove}: the principal and all its access keys are gone. */
  public ObjectNode principalRemoved(String principalArn) {
    return event("RemovePrincipal", List.of(), JsonNodeFactory.instance.objectNode().put("principalArn", principalArn),
        false);
  }

  private ObjectNode event(String name, List<Arn> keyIds, ObjectNode details, boolean readOnly) {
    ObjectNode event = context.begin(UserIdentity.internal(context.identity().accountId()), name);
    event.put("sourceIPAddress", INTERNAL);
    event.put("userAgent", INTERNAL);
    event.putNull("requestParameters");
    event.putNull("responseElements");
    event.put("eventID", TrailContext.newEventId());
    event.put("readOnly", readOnly);
    event.set("resources", context.resources(keyIds));
    event.put("eventType", "AwsServiceEvent");
    event.put("managementEvent", true);
    event.put("recipientAccountId", context.identity().accountId());
    event.set("serviceEventDetails", details);
    event.put("eventCategory", "Management");
    event.set("trent", context.trent());
    return event;
  }
}
