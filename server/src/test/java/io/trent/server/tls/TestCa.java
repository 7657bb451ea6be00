package io.trent.server.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made by a test, for client certificates (mutual TLS), operator-supplied
 * server certificates and client SSL contexts.
 *
 * @param certificate the CA's self-signed certificate
 * @param key the CA's private key
 */
record TestCa(X509Certificate certificate, PrivateKey key) {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] STORE_PASSWORD = "test".toCharArray();

  /** A certificate and its key. */
  record Issued(X509Certificate certificate, PrivateKey key) {}

  static TestCa create(String name) throws Exception {
    KeyPair keys = ecKeys();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), from(), until(), subject,
        keys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
    return new TestCa(sign(builder, keys.getPrivate()), keys.getPrivate());
  }

  /** A client certificate (extended key usage clientAuth). */
  Issued client(String name) throws Exception {
    return issue(name, KeyPurposeId.id_kp_clientAuth, null);
  }

  /** A server certificate for 127.0.0.1 and localhost (extended key usage serverAuth). */
  Issued server(String name) throws Exception {
    return issue(name, KeyPurposeId.id_kp_serverAuth, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
  }

  private Issued issue(String name, KeyPurposeId purpose, GeneralNames names) throws Exception {
    KeyPair keys = ecKeys();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), from(), until(),
        new X500Name("CN=" + name), keys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    if (names != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, names);
    }
    return new Issued(sign(builder, key), keys.getPrivate());
  }

  /** Writes this CA's certificate as PEM. */
  Path writeCertificate(Path file) throws IOException {
    Files.writeString(file, Pem.encode(certificate));
    return file;
  }

  /**
   * A client context that trusts the certificates in {@code trustedPem} and presents
   * {@code identity} when the server asks for a certificate (none when null).
   */
  static SSLContext clientContext(Path trustedPem, Issued identity) throws GeneralSecurityException, IOException {
    List<X509Certificate> trusted = Pem.certificates(trustedPem, "trusted certificates");
    KeyStore trustStore = KeyStore.getInstance("PKCS12");
    trustStore.load(null, null);
    for (int i = 0; i < trusted.size(); i++) {
      trustStore.setCertificateEntry("ca" + i, trusted.get(i));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trustStore);
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    if (identity != null) {
      keyStore.setKeyEntry("client", identity.key(), STORE_PASSWORD, new Certificate[] {identity.certificate()});
    }
    keys.init(keyStore, STORE_PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  private static Date from() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date until() {
    return Date.from(Instant.now().plus(Duration.ofDays(30)));
  }
}
