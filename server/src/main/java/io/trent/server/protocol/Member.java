package io.trent.server.protocol;

/**
 * One request member of a KMS operation, as the AWS model defines it, and what Trent does with it.
 *
 * @param name the member name on the wire, e.g. {@code KeyId}
 * @param type its JSON type
 * @param shape the nested structure of a {@link JsonType#STRUCTURE} or {@link JsonType#STRUCTURE_LIST}
 *     member, else null
 * @param use whether the binding reads it, Trent refuses it, or accepts it without effect
 * @param note for {@link Use#REFUSED}, the UnsupportedOperationException message; for
 *     {@link Use#NO_EFFECT}, why it is accepted (documentation only); else null
 */
record Member(String name, JsonType type, Shape shape, Use use, String note) {

  /** What Trent does with a member that a request carries (a JSON null counts as absent). */
  enum Use {
    /** The operation's binding reads it into the core request. */
    BOUND,
    /**
     * Trent does not implement it: a request that carries it gets UnsupportedOperationException
     * (KMS's modeled error for a feature a key or store does not support, HTTP 400) after the type
     * checks and before the operation runs.
     */
    REFUSED,
    /** Type-checked and accepted, with no effect yet; {@link #note} says why. */
    NO_EFFECT
  }

  static Member of(String name, JsonType type) {
    return new Member(name, type, null, Use.BOUND, null);
  }

  static Member structure(String name, Shape shape) {
    return new Member(name, JsonType.STRUCTURE, shape, Use.BOUND, null);
  }

  static Member structureList(String name, Shape shape) {
    return new Member(name, JsonType.STRUCTURE_LIST, shape, Use.BOUND, null);
  }

  /** This member, refused with UnsupportedOperationException and the given message. */
  Member refused(String message) {
    return new Member(name, type, shape, Use.REFUSED, message);
  }

  /** This member, accepted without effect for the given reason. */
  Member withoutEffect(String reason) {
    return new Member(name, type, shape, Use.NO_EFFECT, reason);
  }
}
