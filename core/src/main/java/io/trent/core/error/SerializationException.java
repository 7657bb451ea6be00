package io.trent.core.error;

/** The request body is not valid JSON of the expected shape. */
public final class SerializationException extends KmsException {
  public SerializationException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "SerializationException";
  }
}
