package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/** The EC encoding corner cases SoftHSM2 produces only now and then. */
class KeyPairEncoderTest {

  @Test
  void padsAShortPrivateValueAndAcceptsAWrappedPoint() throws Exception {
    KeyPair pair = p256KeyWithLeadingZeroByte();
    BigInteger d = ((ECPrivateKey) pair.getPrivate()).getS();
    byte[] minimal = d.toByteArray(); // 31 bytes: the leading zero byte is gone, as with SoftHSM2
    assertThat(minimal).hasSize(31);
    byte[] point = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData().getOctets();
    byte[] wrappedPoint = new DEROctetString(point).getEncoded();

    KeyPairDer der = KeyPairEncoder.ec(SECObjectIdentifiers.secp256r1, 256, wrappedPoint, minimal);

    assertThat(der.publicKeyInfo()).isEqualTo(pair.getPublic().getEncoded());
    ASN1Sequence ecPrivateKey = ASN1Sequence.getInstance(PrivateKeyInfo.getInstance(der.privateKeyInfo()).parsePrivateKey());
    byte[] privateOctets = ASN1OctetString.getInstance(ecPrivateKey.getObjectAt(1)).getOctets();
    assertThat(privateOctets).hasSize(32);
    assertThat(privateOctets[0]).isZero();
    ECPrivateKey parsed = (ECPrivateKey) KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(der.privateKeyInfo()));
    assertThat(parsed.getS()).isEqualTo(d);
  }

  private static KeyPair p256KeyWithLeadingZeroByte() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    while (true) {
      KeyPair pair = generator.generateKeyPair();
      if (((ECPrivateKey) pair.getPrivate()).getS().bitLength() < 248
          && ((ECPrivateKey) pair.getPrivate()).getS().bitLength() > 240
          && pair.getPublic() instanceof ECPublicKey) {
        return pair;
      }
    }
  }
}
