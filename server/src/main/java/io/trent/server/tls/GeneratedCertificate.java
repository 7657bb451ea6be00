package io.trent.server.tls;

import io.trent.server.config.ConfigException;
import io.trent.server.config.OwnerOnly;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate Trent makes for itself when TLS is on and the operator supplied none: a
 * certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, signed by a CA made for it,
 * whose certificate clients trust ({@code <dataDir>/tls/ca.pem}, e.g. {@code aws --ca-bundle}).
 *
 * <p>The CA's private key is discarded once it has signed: nothing else is ever signed with it, so
 * a stolen data directory cannot mint certificates for other names that clients of this ca.pem
 * would trust (its {@code pathLen} of 0 and the single signature bound it too). The price is a new
 * CA, and so a new ca.pem for clients, whenever the server certificate is renewed.
 *
 * <p>Later starts reuse the files; they are made anew when one is missing or unreadable, when they
 * do not belong together, or when the server certificate expires within {@link #RENEW_BEFORE}.
 * Everything under {@code <dataDir>/tls} is owner-only (0700 directory, 0600 files), ca.pem
 * included: the data directory is owner-only anyway, and one rule is easier to audit.
 */
final class GeneratedCertificate {
  /** The directory under the data directory. */
  static final String DIRECTORY = "tls";
  static final String CA_FILE = "ca.pem";
  static final String CERTIFICATE_FILE = "server.pem";
  static final String KEY_FILE = "server.key";
  /** 397 days: within what browsers and Apple platforms accept for a server certificate. */
  static final Duration VALIDITY = Duration.ofDays(397);
  static final Duration RENEW_BEFORE = Duration.ofDays(30);
  /** Tolerates clients whose clock is a little behind the server's. */
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger log = LoggerFactory.getLogger(GeneratedCertificate.class);

  private GeneratedCertificate() {}

  /** {@code <dataDir>/tls/ca.pem}. */
  static Path caFile(Path dataDir) {
    return dataDir.resolve(DIRECTORY).resolve(CA_FILE);
  }

  /**
   * The server's key and certificate under {@code <dataDir>/tls}: the stored ones when they are
   * usable at {@code clock}'s now, otherwise newly made ones (and a new ca.pem).
   *
   * @throws ConfigException if the directory or files cannot be created
   */
  static ServerCredentials ensure(Path dataDir, Clock clock) {
    Path dir = dataDir.resolve(DIRECTORY);
    try {
      if (!Files.isDirectory(dir)) {
        OwnerOnly.createDirectories(dir);
      } else if (OwnerOnly.isOpenToOthers(dir)) {
        log.warn("{} is accessible to other users; chmod 700 it", dir);
      }
      String unusable = reasonToRenew(dir, clock.instant());
      if (unusable == null) {
        return stored(dir);
      }
      log.info("Making a TLS certificate for localhost ({}); clients must trust the new {}", unusable,
          dir.resolve(CA_FILE));
      return generate(dir, clock.instant());
    } catch (IOException e) {
      throw new ConfigException("Cannot write the TLS certificate under " + dir + ": " + e, e);
    }
  }

  /** Why the stored files cannot be used, or null when they can. */
  private static String reasonToRenew(Path dir, Instant now) {
    for (String name : List.of(CA_FILE, CERTIFICATE_FILE, KEY_FILE)) {
      if (!Files.isRegularFile(dir.resolve(name))) {
        return name + " is missing";
      }
    }
    ServerCredentials credentials;
    X509Certificate ca;
    try {
      credentials = stored(dir);
      ca = Pem.certificates(dir.resolve(CA_FILE), "the CA certificate").get(0);
    } catch (ConfigException e) {
      return "the stored files are unreadable: " + e.getMessage();
    }
    if (!credentials.keyMatchesCertificate()) {
      return KEY_FILE + " is not the key of " + CERTIFICATE_FILE;
    }
    try {
      credentials.certificate().verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      return CERTIFICATE_FILE + " is not signed by " + CA_FILE;
    }
    Instant notAfter = credentials.certificate().getNotAfter().toInstant();
    if (now.isAfter(notAfter.minus(RENEW_BEFORE))) {
      return "the certificate expires " + notAfter;
    }
    if (now.isBefore(credentials.certificate().getNotBefore().toInstant())) {
      return "the certificate is not valid before " + credentials.certificate().getNotBefore().toInstant();
    }
    return null;
  }

  private static ServerCredentials stored(Path dir) {
    return new ServerCredentials(
        Pem.privateKey(dir.resolve(KEY_FILE), "the TLS key", null),
        Pem.certificates(dir.resolve(CERTIFICATE_FILE), "the TLS certificate"));
  }

  private static ServerCredentials generate(Path dir, Instant now) throws IOException {
    try {
      KeyPair caKeys = newKeyPair();
      KeyPair serverKeys = newKeyPair();
      Date notBefore = Date.from(now.minus(BACKDATE));
      Date notAfter = Date.from(now.plus(VALIDITY));
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();

      // A distinct name per CA, so clients that trust several generated ca.pem files never mix them up.
      X500Name caName = new X500Name("CN=Trent development CA " + HexFormat.of().formatHex(randomBytes(6)));
      X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(
          caName, serial(), notBefore, notAfter, caName, caKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate ca = certificate(caBuilder, caKeys.getPrivate());

      X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(
          ca, serial(), notBefore, notAfter, new X500Name("CN=localhost"), serverKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.iPAddress, "::1")}))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensions.createSubjectKeyIdentifier(serverKeys.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
      X509Certificate server = certificate(serverBuilder, caKeys.getPrivate());
      // caKeys goes out of scope here: the CA private key is never written anywhere.

      replace(dir.resolve(KEY_FILE), Pem.encode(serverKeys.getPrivate()));
      replace(dir.resolve(CERTIFICATE_FILE), Pem.encode(server));
      replace(dir.resolve(CA_FILE), Pem.encode(ca));
      return new ServerCredentials(serverKeys.getPrivate(), List.of(server));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("Cannot make a TLS certificate: " + e.getMessage(), e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate certificate(X509v3CertificateBuilder builder, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE).setSecureRandom(RANDOM).build(signer);
    return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
  }

  /** A positive random serial number of up to 127 bits (RFC 5280 allows 20 octets). */
  private static BigInteger serial() {
    return new BigInteger(1, randomBytes(16)).shiftRight(1).add(BigInteger.ONE);
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /**
   * Writes a new owner-only file beside {@code file}, then moves it over {@code file}: a reader
   * sees the old content or the new, never half of one. A crash between the three files leaves a
   * set that does not belong together, which the next start notices and replaces.
   */
  private static void replace(Path file, String text) throws IOException {
    Path fresh = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(fresh);
    Pem.createOwnerOnly(fresh, text);
    Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
