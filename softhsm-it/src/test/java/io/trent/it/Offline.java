package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/** Offline cryptography with the JDK, Bouncy Castle and the openssl command line. */
final class Offline {
  static final Provider BC = new BouncyCastleProvider();

  private Offline() {}

  /** The DER SPKI of an RSA or EC key as a JCA key (Bouncy Castle for secp256k1, which JDK 17 lacks). */
  static PublicKey publicKey(String keySpec, byte[] spki) throws GeneralSecurityException {
    X509EncodedKeySpec der = new X509EncodedKeySpec(spki);
    if (keySpec.startsWith("RSA")) {
      return KeyFactory.getInstance("RSA").generatePublic(der);
    }
    if (keySpec.equals("ECC_SECG_P256K1")) {
      return KeyFactory.getInstance("EC", BC).generatePublic(der);
    }
    return KeyFactory.getInstance("EC").generatePublic(der);
  }

  static String digestName(SigningAlgorithmSpec algorithm) {
    String name = algorithm.toString();
    return "SHA-" + name.substring(name.length() - 3);
  }

  static byte[] digest(SigningAlgorithmSpec algorithm, byte[] message) throws GeneralSecurityException {
    return MessageDigest.getInstance(digestName(algorithm)).digest(message);
  }

  /** A JCA Signature for the AWS algorithm (PSS: MGF1 with the same hash, salt = digest length). */
  static Signature signature(SigningAlgorithmSpec algorithm, Provider provider) throws GeneralSecurityException {
    String name = algorithm.toString();
    String bits = name.substring(name.length() - 3);
    if (name.startsWith("RSASSA_PSS")) {
      Signature s = provider == null ? Signature.getInstance("RSASSA-PSS") : Signature.getInstance("RSASSA-PSS", provider);
      String hash = "SHA-" + bits;
      s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), Integer.parseInt(bits) / 8, 1));
      return s;
    }
    String jca = "SHA" + bits + (name.startsWith("RSASSA_PKCS1") ? "withRSA" : "withECDSA");
    return provider == null ? Signature.getInstance(jca) : Signature.getInstance(jca, provider);
  }

  /** Verifies an AWS signature over the message itself with the JDK (or BC for secp256k1). */
  static boolean verify(String keySpec, byte[] spki, SigningAlgorithmSpec algorithm, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    Provider provider = keySpec.equals("ECC_SECG_P256K1") ? BC : null;
    Signature s = signature(algorithm, provider);
    s.initVerify(publicKey(keySpec, spki));
    s.update(message);
    return s.verify(signature);
  }

  /** RSAES-OAEP as AWS does it: SHA-1 or SHA-256, MGF1 with the same hash, empty label. */
  static Cipher oaep(EncryptionAlgorithmSpec algorithm, int mode, java.security.Key key) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
    OAEPParameterSpec params = algorithm == EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1
        ? new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT)
        : new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    c.init(mode, key, params);
    return c;
  }

  static String pem(byte[] spki) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(spki)
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** The result of {@code openssl dgst -<hash> -verify pub.pem -signature sig.bin [sigopts] msg.bin}. */
  record OpensslResult(int exitCode, String output) {}

  static OpensslResult opensslVerify(Path dir, String hash, byte[] spki, byte[] signature, byte[] message,
      String... sigopts) throws IOException, InterruptedException {
    Path pub = Files.writeString(dir.resolve("pub.pem"), pem(spki), StandardCharsets.US_ASCII);
    Path sig = Files.write(dir.resolve("sig.bin"), signature);
    Path msg = Files.write(dir.resolve("msg.bin"), message);
    List<String> cmd = new ArrayList<>(List.of("openssl", "dgst", "-" + hash, "-verify", pub.toString(),
        "-signature", sig.toString()));
    for (String opt : sigopts) {
      cmd.add("-sigopt");
      cmd.add(opt);
    }
    cmd.add(msg.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new OpensslResult(p.exitValue(), out.trim());
  }
}
