package io.trent.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DECRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DERIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_UNWRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trent.audit.AuditSettings;
import io.trent.audit.AuditTrail;
import io.trent.audit.TrailVerifier;
import io.trent.audit.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Session;

/** The audit signing key in a real SoftHSM2 token: made once, sign-only, and its digests verify offline. */
class Pkcs11DigestSignerTest {
  private static SoftHsmToken token;
  private static Pkcs11KeyBackend backend;

  @BeforeAll
  static void openBackend() {
    token = SoftHsmToken.create("audit-signer");
    backend = Pkcs11KeyBackend.open(token.settings());
  }

  @AfterAll
  static void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void signsWithAKeyTheJdkVerifiesAndFindsTheSameKeyAgain() throws Exception {
    Pkcs11DigestSigner signer = Pkcs11DigestSigner.open(backend);
    byte[] message = "trent-audit-digest-1\nnode\n5".getBytes(StandardCharsets.UTF_8);
    byte[] signature = signer.sign(message);
    PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(signer.publicKey()));
    Signature verifier = Signature.getInstance(signer.algorithm());
    verifier.initVerify(key);
    verifier.update(message);
    assertThat(verifier.verify(signature)).isTrue();
    assertThat(Pkcs11DigestSigner.open(backend).publicKey()).isEqualTo(signer.publicKey());
  }

  @Test
  void thePrivateKeyIsSensitiveNonExtractableAndSignsOnly() throws Exception {
    Pkcs11DigestSigner.open(backend);
    Session session = TokenLookup.byLabel(backend.module(), token.label).openSession(false);
    try {
      long[] keys = session.findObjectsSingle(new AttributeVector().class_(CKO_PRIVATE_KEY)
          .id(Pkcs11DigestSigner.ID.toBytes()), 10);
      assertThat(keys).hasSize(1);
      AttributeVector attributes = session.getAttrValues(keys[0], CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_SIGN,
          CKA_DECRYPT, CKA_UNWRAP, CKA_DERIVE, CKA_LABEL);
      assertThat(attributes.sensitive()).isTrue();
      assertThat(attributes.extractable()).isFalse();
      assertThat(attributes.sign()).isTrue();
      assertThat(attributes.decrypt()).isFalse();
      assertThat(attributes.unwrap()).isFalse();
      assertThat(attributes.derive()).isFalse();
      assertThat(attributes.label()).isEqualTo("trent:audit-signing");
    } finally {
      session.closeSession();
    }
  }

  @Test
  void aTrailSignedInTheHsmVerifiesWithThePublicKeyAlone(@TempDir Path dir) throws Exception {
    Pkcs11DigestSigner signer = Pkcs11DigestSigner.open(backend);
    ObjectMapper json = new ObjectMapper();
    try (AuditTrail trail = AuditTrail.open(new AuditSettings(dir, "hsm-node", 1 << 20, Duration.ofHours(1),
        Duration.ofSeconds(60)), signer)) {
      for (int i = 0; i < 5; i++) {
        trail.append(json.createObjectNode().put("eventName", "Encrypt").put("n", i));
      }
    }
    VerifyReport report = new TrailVerifier(TrailVerifier.publicKeysIn(dir)).verify(dir);
    assertThat(report.ok()).as(report.summary()).isTrue();
    assertThat(report.events()).isEqualTo(5);
    assertThat(report.digests()).isEqualTo(1);
    assertThat(report.uncovered()).isEmpty();
    assertThat(TrailVerifier.publicKeysIn(dir)).containsExactly(signer.publicKey());
    assertThat(List.of(report.summary())).allMatch(s -> s.startsWith("audit trail valid: 5 events"));
  }
}
