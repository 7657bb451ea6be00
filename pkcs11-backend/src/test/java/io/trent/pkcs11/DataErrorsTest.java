package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ARGUMENTS_BAD;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_CRYPTOKI_NOT_INITIALIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_DATA_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_DEVICE_ERROR;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_DEVICE_REMOVED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ENCRYPTED_DATA_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_FUNCTION_FAILED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_GENERAL_ERROR;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_KEY_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_MECHANISM_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_OBJECT_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_OPERATION_ACTIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SESSION_CLOSED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SESSION_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_TOKEN_NOT_PRESENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_TOKEN_NOT_RECOGNIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_NOT_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_WRAPPED_KEY_INVALID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which PKCS#11 return codes may become a "bad input" answer and which are always faults. */
class DataErrorsTest {

  @ParameterizedTest
  @ValueSource(longs = {CKR_DEVICE_ERROR, CKR_DEVICE_REMOVED, CKR_SESSION_HANDLE_INVALID, CKR_SESSION_CLOSED,
      CKR_TOKEN_NOT_PRESENT, CKR_TOKEN_NOT_RECOGNIZED, CKR_CRYPTOKI_NOT_INITIALIZED, CKR_USER_NOT_LOGGED_IN,
      CKR_OPERATION_ACTIVE, CKR_OBJECT_HANDLE_INVALID, CKR_KEY_HANDLE_INVALID})
  void clearFaultCodesAreNeverBadInput(long code) {
    assertThat(DataErrors.isFault(code)).isTrue();
    assertThat(DataErrors.isBadCiphertext(code)).isFalse();
    assertThat(DataErrors.isBadWrappedKey(code)).isFalse();
    assertThat(DataErrors.isRefusedMechanism(code)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(longs = {CKR_GENERAL_ERROR, CKR_FUNCTION_FAILED, CKR_ENCRYPTED_DATA_INVALID, CKR_DATA_INVALID})
  void failedChecksOfTheCiphertextAreBadCiphertextOnceTheSessionChecksHealthy(long code) {
    // CKR_GENERAL_ERROR (SoftHSM2) and CKR_FUNCTION_FAILED (nShield) also mean faults: the backend
    // answers InvalidCiphertextException only after DataErrors.confirmHealthy.
    assertThat(DataErrors.isFault(code)).isFalse();
    assertThat(DataErrors.isBadCiphertext(code)).isTrue();
    assertThat(DataErrors.isBadWrappedKey(code)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(longs = {CKR_WRAPPED_KEY_INVALID, CKR_MECHANISM_INVALID, CKR_ARGUMENTS_BAD})
  void unwrapAndMechanismRefusalsAreNoFaults(long code) {
    assertThat(DataErrors.isFault(code)).isFalse();
    assertThat(DataErrors.isBadWrappedKey(code) || DataErrors.isRefusedMechanism(code)).isTrue();
  }
}
