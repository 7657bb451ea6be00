package io.trent.core.service;

/**
 * Named places between an HSM step and the metadata write that completes it, where the crash tests stop
 * the process as a SIGKILL would ({@code Runtime.halt}: no shutdown hooks, no finally blocks, no flushes).
 * Inert in production: the system property {@code trent.test.haltAt} is read once, when this class is
 * loaded, and a server started without it never halts here. Tests start a server process with
 * {@code -Dtrent.test.haltAt=<point>} (softhsm-it {@code CrashTest}) to hit the exact moment a crash
 * would be worst.
 */
final class CrashPoint {
  /** CreateKey: the key material is in the HSM, its row is not yet written. */
  static final String CREATE_KEY = "createKey.afterHsm";
  /** Rotation (on demand, automatic or for the encryption budget): new material in the HSM, row not updated. */
  static final String ROTATE = "rotate.afterHsm";
  /** ImportKeyMaterial: the material is unwrapped into the HSM, the row still says PendingImport. */
  static final String IMPORT = "import.afterHsm";
  /** Scheduled deletion: destruction begun and the HSM objects destroyed, the row not yet deleted. */
  static final String DELETE_KEY = "deleteKey.afterHsm";
  /** DeleteImportedKeyMaterial or expiry: destruction recorded and the object destroyed, row not updated. */
  static final String DELETE_IMPORTED = "deleteImportedMaterial.afterHsm";

  /** Exit status of a halted process: that of a SIGKILL'ed one (128 + 9), so tests read it as a kill. */
  static final int STATUS = 137;

  private static final String ARMED = System.getProperty("trent.test.haltAt");

  private CrashPoint() {}

  /** Halts the JVM at once when the process was started to crash at {@code point}; else nothing. */
  static void reached(String point) {
    if (point.equals(ARMED)) {
      Runtime.getRuntime().halt(STATUS);
    }
  }
}
