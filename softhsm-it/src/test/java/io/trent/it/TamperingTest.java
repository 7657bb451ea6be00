package io.trent.it;

import static io.trent.it.KmsAssertions.expectInvalidCiphertext;
import static io.trent.it.KmsAssertions.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * A tampered ciphertext is InvalidCiphertextException (HTTP 400, no message), never a 500 or any
 * other error: every single byte flipped, truncations, appended bytes, random garbage, empty.
 */
@ExtendWith(TrentExtension.class)
class TamperingTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final Map<String, String> CTX = Map.of("purpose", "tampering");
  static KmsClient kms;
  static KeyMetadata key;
  static byte[] blob;
  static SdkBytes plaintext;

  @BeforeAll
  static void setUp() {
    kms = Trent.kms();
    key = Trent.newKey("TamperingTest");
    byte[] p = new byte[100];
    RANDOM.nextBytes(p);
    plaintext = SdkBytes.fromByteArray(p);
    blob = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(plaintext).encryptionContext(CTX)).ciphertextBlob().asByteArray();
  }

  /** Returns a description of what went wrong, or null when the answer is InvalidCiphertextException/400. */
  static String decryptFailure(byte[] tampered) {
    try {
      kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(tampered)).encryptionContext(CTX));
      return "decrypted successfully";
    } catch (KmsException e) {
      String code = e.awsErrorDetails().errorCode();
      if (e.statusCode() == 400 && "InvalidCiphertextException".equals(code)) {
        return null;
      }
      return "HTTP " + e.statusCode() + " " + code + ": " + e.awsErrorDetails().errorMessage();
    }
  }

  @Test
  void untamperedDecrypts() {
    assertThat(kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(blob)).encryptionContext(CTX)).plaintext())
        .isEqualTo(plaintext);
  }

  @Test
  void flippingAnySingleByteIsInvalidCiphertext() {
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < blob.length; i++) {
      for (int mask : new int[] {0x01, 0x80}) {
        byte[] t = blob.clone();
        t[i] ^= (byte) mask;
        String f = decryptFailure(t);
        if (f != null) {
          failures.add("byte " + i + " ^ 0x" + Integer.toHexString(mask) + ": " + f);
        }
      }
    }
    assertThat(failures).as("flipped bytes of a %d-byte ciphertext that did not give InvalidCiphertextException/400", blob.length).isEmpty();
  }

  @Test
  void truncationIsInvalidCiphertext() {
    List<String> failures = new ArrayList<>();
    for (int len : new int[] {1, 2, 4, 8, 16, 32, blob.length / 2, blob.length - 17, blob.length - 16, blob.length - 1}) {
      String f = decryptFailure(Arrays.copyOf(blob, len));
      if (f != null) {
        failures.add("first " + len + " bytes: " + f);
      }
    }
    for (int cut : new int[] {1, 4, 16}) {
      String f = decryptFailure(Arrays.copyOfRange(blob, cut, blob.length));
      if (f != null) {
        failures.add("without the first " + cut + " bytes: " + f);
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void appendedBytesAreInvalidCiphertext() {
    List<String> failures = new ArrayList<>();
    for (byte[] extra : new byte[][] {{0}, {1}, "bad_data".getBytes(), new byte[16], new byte[100]}) {
      byte[] t = Arrays.copyOf(blob, blob.length + extra.length);
      System.arraycopy(extra, 0, t, blob.length, extra.length);
      String f = decryptFailure(t);
      if (f != null) {
        failures.add("+" + extra.length + " bytes: " + f);
      }
    }
    assertThat(failures).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 16, 50, 150, 1000, 6144})
  void randomGarbageIsInvalidCiphertext(int size) {
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] g = new byte[size];
      RANDOM.nextBytes(g);
      if (i == 0) {
        // A garbage body behind the real header.
        System.arraycopy(blob, 0, g, 0, Math.min(blob.length / 2, size));
      }
      String f = decryptFailure(g);
      if (f != null) {
        failures.add("garbage #" + i + ": " + f);
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void anotherKeysCiphertextSplicedInIsInvalidCiphertext() {
    KeyMetadata other = Trent.newKey("TamperingTest other");
    byte[] o = kms.encrypt(b -> b.keyId(other.keyId()).plaintext(plaintext).encryptionContext(CTX)).ciphertextBlob().asByteArray();
    assertThat(o.length).isEqualTo(blob.length);
    List<String> failures = new ArrayList<>();
    // Every split point: this key's prefix with the other key's suffix, and the reverse.
    for (int split = 1; split < blob.length; split += 7) {
      byte[] t = blob.clone();
      System.arraycopy(o, split, t, split, blob.length - split);
      String f = Arrays.equals(t, o) ? null : decryptFailure(t);
      if (f != null) {
        failures.add("ours[0," + split + ") + theirs: " + f);
      }
      byte[] u = o.clone();
      System.arraycopy(blob, split, u, split, blob.length - split);
      f = Arrays.equals(u, blob) ? null : decryptFailure(u);
      if (f != null) {
        failures.add("theirs[0," + split + ") + ours: " + f);
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void emptyCiphertextIsA400NeverA500() {
    // The model gives CiphertextBlob a minimum length of 1: the shape check answers before any lookup.
    expectValidation(() -> kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(new byte[0])).encryptionContext(CTX)),
        "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: "
            + "Member must have length greater than or equal to 1");
  }

  @Test
  void aSingleZeroByteIsInvalidCiphertext() {
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(new byte[] {0}))));
  }
}
