package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA1;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA256;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_OAEP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA_1;

import io.trent.core.key.EncryptionAlgorithm;
import io.trent.core.key.WrappingAlgorithm;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.params.RSA_PKCS_OAEP_PARAMS;

/**
 * The two RSA-OAEP variants AWS uses, each with MGF1 over the same hash and an empty label, in the
 * shapes PKCS#11, the JCE and Bouncy Castle want them.
 */
enum OaepParameters {
  SHA_1(CKM_SHA_1, CKG_MGF1_SHA1, "SHA-1", MGF1ParameterSpec.SHA1, 20),
  SHA_256(CKM_SHA256, CKG_MGF1_SHA256, "SHA-256", MGF1ParameterSpec.SHA256, 32);

  private final long hashMechanism;
  private final long mgf;
  private final String jceDigest;
  private final MGF1ParameterSpec jceMgf;
  private final int hashLength;

  OaepParameters(long hashMechanism, long mgf, String jceDigest, MGF1ParameterSpec jceMgf, int hashLength) {
    this.hashMechanism = hashMechanism;
    this.mgf = mgf;
    this.jceDigest = jceDigest;
    this.jceMgf = jceMgf;
    this.hashLength = hashLength;
  }

  /** CKM_RSA_PKCS_OAEP with these hashes and CKZ_DATA_SPECIFIED with no label. */
  Mechanism mechanism() {
    return new Mechanism(CKM_RSA_PKCS_OAEP, new RSA_PKCS_OAEP_PARAMS(hashMechanism, mgf));
  }

  OAEPParameterSpec jceSpec() {
    return new OAEPParameterSpec(jceDigest, "MGF1", jceMgf, PSource.PSpecified.DEFAULT);
  }

  Digest newDigest() {
    return this == SHA_1 ? new SHA1Digest() : new SHA256Digest();
  }

  /** The longest message OAEP can encrypt under a modulus of this many bytes. */
  int maxMessageLength(int modulusBytes) {
    return modulusBytes - 2 * hashLength - 2;
  }

  /** The OAEP variant of an RSA encryption algorithm; null for the others. */
  static OaepParameters of(EncryptionAlgorithm algorithm) {
    return switch (algorithm) {
      case RSAES_OAEP_SHA_1 -> SHA_1;
      case RSAES_OAEP_SHA_256 -> SHA_256;
      case SYMMETRIC_DEFAULT, SM2PKE -> null;
    };
  }

  /** The OAEP variant that (first) wraps imported key material; null for PKCS#1 v1.5 and SM2. */
  static OaepParameters of(WrappingAlgorithm algorithm) {
    return switch (algorithm) {
      case RSAES_OAEP_SHA_1, RSA_AES_KEY_WRAP_SHA_1 -> SHA_1;
      case RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_256 -> SHA_256;
      case RSAES_PKCS1_V1_5, SM2PKE -> null;
    };
  }
}
