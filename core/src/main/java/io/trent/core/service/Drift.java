package io.trent.core.service;

import java.util.Objects;

/**
 * One difference between the metadata store and the token, as {@link Reconciler} finds it: what a crash
 * between an HSM step and its metadata write leaves behind (or an operator, or a restored backup).
 *
 * @param kind what the difference is, which decides whether and when it is repaired
 * @param keyId the KMS key concerned (from the row, or from the HSM object's label), or null for a wrapping key
 * @param objectId the key material id (hex) or the import wrapping key id
 * @param repaired whether this run repaired it
 */
public record Drift(Kind kind, String keyId, String objectId, boolean repaired) {

  public Drift {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(objectId, "objectId");
  }

  /** The kinds of drift, each with the repair that is certain to be safe for it, if any. */
  public enum Kind {
    /**
     * Key material whose key has no row and no destruction record: CreateKey crashed after the HSM step (never
     * used), or the row was lost (a metadata database restored from an older backup: its data is still needed).
     * Nothing in Trent tells the two apart, so it is destroyed only when the operator says the database was not
     * restored ({@link Reconciler.Mode#DESTROY_UNTRACKED}).
     */
    ORPHAN_MATERIAL(Repair.OPERATOR),
    /**
     * Material labelled for a stored KMS-generated key that its row does not list: a rotation crashed after the
     * HSM step, so it never became current and never encrypted anything, unless the row is from a restored
     * backup. Destroyed only with {@link Reconciler.Mode#DESTROY_UNTRACKED}, as an orphan.
     */
    UNCOMMITTED_ROTATION(Repair.OPERATOR),
    /**
     * Material labelled for a stored key with imported material that its row does not list: ImportKeyMaterial
     * crashed after unwrapping. The customer holds the material and the import token still works, so destroying
     * it loses nothing; a running node may be between the two steps of an import, so only an operator's
     * {@code --repair} does it, never the start-up run.
     */
    UNCOMMITTED_IMPORT(Repair.ON_REQUEST),
    /**
     * Material of a deleted key (no row, and a destruction record names it) still in the HSM: destroyed. (Imported
     * material a record names while its key lives is an {@link #UNCOMMITTED_IMPORT}: a re-import takes back the
     * old id, so another node may be about to list it.)
     */
    DESTROYED_MATERIAL_PRESENT(Repair.ALWAYS),
    /**
     * Imported material a row still lists although a destruction record newer than the material says it was
     * destroyed: DeleteImportedKeyMaterial or expiry crashed between the HSM and the row. Finished: the object
     * destroyed, the row emptied (PendingImport), as the operation would have.
     */
    UNFINISHED_MATERIAL_DELETION(Repair.ALWAYS),
    /**
     * A key PendingDeletion past its deletion date some of whose material is already gone: the scheduled
     * destruction crashed between the HSM and the row. Finished as maintenance would (the rest destroyed, the
     * row deleted with a destruction record, a DeleteKey audit event).
     */
    UNFINISHED_KEY_DELETION(Repair.ALWAYS),
    /**
     * Material a row lists whose HSM object is gone, with no record of its destruction: the key cannot be used
     * (DescribeKey says Unavailable). Reported only: the material is lost unless the token is restored.
     */
    MISSING_MATERIAL(Repair.NEVER),
    /** An import wrapping key whose import token has expired: nothing can use it. Destroyed. */
    STALE_WRAPPING_KEY(Repair.ALWAYS),
    /**
     * An import wrapping key no import token names: GetParametersForImport crashed before storing its token, or
     * another node is between the two steps right now, which is why only an operator's {@code --repair} destroys it.
     */
    UNUSED_WRAPPING_KEY(Repair.ON_REQUEST);

    private final Repair repair;

    Kind(Repair repair) {
      this.repair = repair;
    }

    /** Whether a run in {@code mode} repairs this kind. */
    public boolean repairedIn(Reconciler.Mode mode) {
      return switch (repair) {
        case ALWAYS -> mode != Reconciler.Mode.REPORT;
        case ON_REQUEST -> mode == Reconciler.Mode.REPAIR || mode == Reconciler.Mode.DESTROY_UNTRACKED;
        case OPERATOR -> mode == Reconciler.Mode.DESTROY_UNTRACKED;
        case NEVER -> false;
      };
    }
  }

  /** Who may repair a kind: every repairing run, an operator's --repair, only an operator's explicit word, nobody. */
  private enum Repair { ALWAYS, ON_REQUEST, OPERATOR, NEVER }
}
