package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;

import io.trent.core.spi.BackendObject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * Lists Trent's token objects for the orphan sweep, by label: {@code trent:<keyId>} is key material
 * named by its CKA_ID, {@value ImportWrappingKeys#LABEL} an import wrapping key named by its CKA_ID.
 * PKCS#11 cannot search by label prefix, so every token object's label is read; other
 * applications' objects are skipped. Both halves of a pair give one entry.
 */
final class ObjectInventory {

  private static final java.util.Set<String> INTERNAL_KEYS = java.util.Set.of(SealKey.ID.toHex(),
      Pkcs11DigestSigner.ID.toHex());

  private ObjectInventory() {}

  static List<BackendObject> list(Session session) throws PKCS11Exception {
    Map<String, BackendObject> found = new LinkedHashMap<>();
    for (long handle : TokenObjects.find(session, new AttributeVector().token(true))) {
      AttributeVector attributes = session.getAttrValues(handle, CKA_LABEL, CKA_ID);
      String label = attributes.label();
      byte[] id = attributes.id();
      if (label == null || id == null || id.length == 0) {
        continue;
      }
      String hexId = HexFormat.of().formatHex(id);
      if (INTERNAL_KEYS.contains(hexId)) {
        continue; // Trent's own keys (credential sealing, audit signing) have no metadata row by design
      }
      if (label.startsWith(TokenObjects.KEY_LABEL_PREFIX)) {
        found.putIfAbsent("k" + hexId, new BackendObject(BackendObject.Kind.KEY_MATERIAL, hexId,
            label.substring(TokenObjects.KEY_LABEL_PREFIX.length())));
      } else if (label.equals(ImportWrappingKeys.LABEL)) {
        found.putIfAbsent("w" + hexId, new BackendObject(BackendObject.Kind.IMPORT_WRAPPING_KEY, hexId, null));
      }
    }
    return new ArrayList<>(found.values());
  }

}
