package io.trent.core.spi;

import java.util.Objects;

/**
 * An object the key backend created in the HSM, as reconciliation sees it. It names the object
 * and says nothing secret.
 *
 * @param kind what the object is
 * @param id the key material id (hex) for key material, the wrapping key id for a wrapping key
 * @param keyId the KMS key id the object was labelled with, or null (wrapping keys carry none)
 */
public record BackendObject(Kind kind, String id, String keyId) {

  /** The kinds of object a backend creates. */
  public enum Kind {
    /** A KMS key's material: a secret key, or both halves of a key pair. */
    KEY_MATERIAL,
    /** An RSA key pair that receives imported key material (GetParametersForImport). */
    IMPORT_WRAPPING_KEY
  }

  public BackendObject {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
  }
}
