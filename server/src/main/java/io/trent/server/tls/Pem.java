package io.trent.server.tls;

import io.trent.server.config.ConfigException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * PEM files of certificates and PKCS#8 private keys, read and written with Bouncy Castle's parser
 * and writer. Errors are {@link ConfigException}s that name the file (never its content).
 */
final class Pem {
  /**
   * For decrypting keys only, and not registered with the JVM: the JDK lacks some of the PBES2
   * ciphers under the names Bouncy Castle's decryptor asks for (AES/CBC/PKCS7Padding).
   */
  private static final BouncyCastleProvider BOUNCY_CASTLE = new BouncyCastleProvider();

  private Pem() {}

  /**
   * The certificates in a PEM file, in file order.
   *
   * @param what the configuration key or role of the file, for messages
   * @throws ConfigException if the file cannot be read or holds no certificate
   */
  static List<X509Certificate> certificates(Path file, String what) {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        if (item instanceof X509CertificateHolder holder) {
          certificates.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new ConfigException("Cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new ConfigException(what + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return List.copyOf(certificates);
  }

  /**
   * The private key in a PKCS#8 PEM file ({@code BEGIN PRIVATE KEY}, or {@code BEGIN ENCRYPTED
   * PRIVATE KEY} with a passphrase).
   *
   * @param passphrase the passphrase of an encrypted key, or null; the caller wipes it
   * @throws ConfigException if the file cannot be read, is not PKCS#8, or cannot be decrypted
   */
  static PrivateKey privateKey(Path file, String what, char[] passphrase) {
    Object item;
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
      item = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("Cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
    try {
      if (item instanceof PrivateKeyInfo info) {
        return new JcaPEMKeyConverter().getPrivateKey(info);
      }
      if (item instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
        if (passphrase == null) {
          throw new ConfigException(what + " " + file
              + " is encrypted: set tls.privateKeyPassphraseFile to a file holding its passphrase");
        }
        return new JcaPEMKeyConverter().getPrivateKey(encrypted.decryptPrivateKeyInfo(
            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BOUNCY_CASTLE).build(passphrase)));
      }
    } catch (PKCSException | OperatorCreationException e) {
      throw new ConfigException("Cannot decrypt " + what + " " + file + " (wrong passphrase?)", e);
    } catch (IOException e) {
      throw new ConfigException("Cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
    if (item instanceof PEMKeyPair || item instanceof PEMEncryptedKeyPair) {
      // Traditional OpenSSL keys (BEGIN RSA/EC PRIVATE KEY) carry their algorithm only in the
      // header line; PKCS#8 is the one format every tool writes and reads the same way.
      throw new ConfigException(what + " " + file + " is not in PKCS#8 form; convert it with "
          + "`openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8` (or without -nocrypt to keep a passphrase)");
    }
    throw new ConfigException(what + " " + file
        + " holds no PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----)");
  }

  /** The PEM text of certificates and private keys (in PKCS#8 form, unencrypted), in order. */
  static String encode(Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        // Left alone, the writer would use the traditional OpenSSL form for EC and RSA keys.
        writer.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
      }
    } catch (IOException e) {
      throw new IllegalStateException("PEM encoding failed", e); // a StringWriter does not fail
    }
    return text.toString();
  }

  /**
   * Writes {@code text} to a new file created with mode 0600 in the same call, so a private key is
   * never readable by others, not even for a moment.
   */
  static void createOwnerOnly(Path file, String text) throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(file,
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Writer out = Channels.newWriter(channel, StandardCharsets.US_ASCII)) {
      out.write(text);
    }
  }
}
