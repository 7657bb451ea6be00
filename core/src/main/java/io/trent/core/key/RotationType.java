package io.trent.core.key;

/** How a key material generation came to be, as ListKeyRotations reports it. */
public enum RotationType {
  AUTOMATIC, ON_DEMAND
}
