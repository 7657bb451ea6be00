package io.trent.core.audit;

import io.trent.core.key.Arn;
import java.util.List;
import java.util.Objects;

/**
 * Work Trent did on its own, not at a caller's request, that the audit trail records as CloudTrail records
 * KMS's service events ({@code AwsServiceEvent}).
 *
 * @param kind what was done
 * @param keyArn the KMS key it was done to
 * @param keyMaterialIds the key materials created (rotation) or destroyed (deletion, expiry), as hex ids
 */
public record InternalEvent(Kind kind, Arn keyArn, List<String> keyMaterialIds) {
  public InternalEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(keyArn, "keyArn");
    keyMaterialIds = List.copyOf(keyMaterialIds);
  }

  /** The kinds, each with the event name CloudTrail uses for it [D kdg:ct-rotatekey, ct-deletekey, ct-deleteexpiredkeymaterial]. */
  public enum Kind {
    /** Automatic rotation made new key material current. */
    ROTATE_KEY("RotateKey"),
    /** A key whose deletion window passed was destroyed with its material. */
    DELETE_KEY("DeleteKey"),
    /** Imported key material reached its ValidTo and was deleted. */
    DELETE_EXPIRED_KEY_MATERIAL("DeleteExpiredKeyMaterial");

    private final String eventName;

    Kind(String eventName) {
      this.eventName = eventName;
    }

    public String eventName() {
      return eventName;
    }
  }
}
