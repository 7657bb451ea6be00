package io.trent.core.error;

/** The imported key material is not the key's material, or not of its spec. */
public final class IncorrectKeyMaterialException extends KmsException {
  public IncorrectKeyMaterialException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "IncorrectKeyMaterialException";
  }
}
