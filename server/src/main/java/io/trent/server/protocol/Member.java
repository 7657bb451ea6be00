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
 * @param auditName the camelCase name the audit event's {@code requestParameters} log it under, as CloudTrail
 *     names it, or null when it is never logged: blobs (plaintext, ciphertext, messages, signatures, MACs,
 *     import tokens, wrapped key material, attestation documents) never are, nor are {@link #secret} members
 * @param auditDefault what {@code requestParameters} logs when the request leaves the member out (CloudTrail logs
 *     Decrypt's {@code encryptionAlgorithm} always), or null to log nothing then
 */
record Member(String name, JsonType type, Shape shape, Use use, String note, String auditName, String auditDefault) {

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
    return new Member(name, type, null, Use.BOUND, null, type == JsonType.BLOB ? null : camelCase(name), null);
  }

  static Member structure(String name, Shape shape) {
    return new Member(name, JsonType.STRUCTURE, shape, Use.BOUND, null, camelCase(name), null);
  }

  static Member structureList(String name, Shape shape) {
    return new Member(name, JsonType.STRUCTURE_LIST, shape, Use.BOUND, null, camelCase(name), null);
  }

  /** This member, refused with UnsupportedOperationException and the given message. */
  Member refused(String message) {
    return new Member(name, type, shape, Use.REFUSED, message, auditName, auditDefault);
  }

  /** This member, accepted without effect for the given reason. */
  Member withoutEffect(String reason) {
    return new Member(name, type, shape, Use.NO_EFFECT, reason, auditName, auditDefault);
  }

  /** This member, never written to the audit trail (a bearer value such as a grant token). */
  Member secret() {
    return new Member(name, type, shape, use, note, null, null);
  }

  /** This member, logged with {@code value} when the request leaves it out. */
  Member auditDefault(String value) {
    return new Member(name, type, shape, use, note, auditName, value);
  }

  /** CloudTrail's spelling of a request member: the wire name with its first letter in lower case. */
  static String camelCase(String wireName) {
    return Character.toLowerCase(wireName.charAt(0)) + wireName.substring(1);
  }
}
