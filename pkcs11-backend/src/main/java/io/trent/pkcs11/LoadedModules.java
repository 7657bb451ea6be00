package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.StaticLogger;

/**
 * The PKCS#11 libraries loaded in this JVM, one wrapper object per library.
 *
 * <p>C_Initialize and C_Finalize are process-wide, so the backend and the provisioner share the
 * same module object and serialize those two calls here; loading a library twice would give two
 * wrapper objects fighting over one module state.
 */
final class LoadedModules {

  private static final Map<Path, PKCS11Module> MODULES = new HashMap<>();

  static {
    // Before the first wrapper call: otherwise the wrapper prints to stdout.
    StaticLogger.setLogger(new WrapperLogBridge());
  }

  private LoadedModules() {}

  /** The wrapper for this library, loading it on first use. */
  static synchronized PKCS11Module module(Path library) {
    Path key = canonical(library);
    PKCS11Module module = MODULES.get(key);
    if (module == null) {
      try {
        module = PKCS11Module.getInstance(key.toString());
      } catch (IOException | UnsatisfiedLinkError e) {
        throw new IllegalStateException("Cannot load the PKCS#11 library " + key + ": "
            + e.getMessage(), e);
      }
      MODULES.put(key, module);
    }
    return module;
  }

  /** Resolves symlinks, so that two spellings of one library share one wrapper object. */
  private static Path canonical(Path library) {
    try {
      return library.toRealPath();
    } catch (IOException e) {
      return library.toAbsolutePath().normalize(); // loading will report the missing file
    }
  }

  /**
   * C_Initialize with CKF_OS_LOCKING_OK (the wrapper always sets it; without it SoftHSM2 turns its
   * locking off).
   *
   * @return false when the module was already initialized in this JVM
   */
  static boolean initialize(PKCS11Module module) throws PKCS11Exception {
    synchronized (LoadedModules.class) {
      try {
        module.initialize();
        return true;
      } catch (PKCS11Exception e) {
        if (e.getErrorCode() == CKR_CRYPTOKI_ALREADY_INITIALIZED) {
          return false;
        }
        throw e;
      }
    }
  }

  /** C_Finalize, ignoring a module that is not initialized. */
  static void finalizeQuietly(PKCS11Module module) {
    synchronized (LoadedModules.class) {
      try {
        module.finalize(null);
      } catch (PKCS11Exception | RuntimeException e) {
        // not initialized, or already gone: nothing left to release
      }
    }
  }
}
