package io.trent.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ALWAYS_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_CLASS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_COPYABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DECRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DERIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DESTROYABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ENCRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LOCAL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_MODIFIABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_NEVER_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_UNWRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VERIFY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_WRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_WRAP_WITH_TRUSTED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ATTRIBUTE_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ATTRIBUTE_TYPE_INVALID;

import io.trent.core.spi.KeyBackend;
import io.trent.server.metrics.MeteredKeyBackend;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;

/**
 * Every object the running server's HSM holds, token AND session objects, read from inside the
 * server's process: a second process (pkcs11-tool) cannot see the server's session objects, and a
 * second PKCS#11 module in this JVM may not be initialized, so this opens one more read-only
 * session on the backend's own module ({@link Pkcs11KeyBackend#module()}, hence this package).
 * PKCS#11 session objects, like the login, belong to the application, so this session sees the
 * session copies the server's anchor session made. The session is closed again; it never logs in
 * or out (that would log the server out).
 */
public final class ServerHsmObjects {

  /** The attributes read from every object; an attribute the object does not have is left out. */
  private static final long[] BOOLEANS = {CKA_TOKEN, CKA_PRIVATE, CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE,
      CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_LOCAL, CKA_ENCRYPT,
      CKA_DECRYPT, CKA_WRAP, CKA_UNWRAP, CKA_SIGN, CKA_VERIFY, CKA_DERIVE, CKA_WRAP_WITH_TRUSTED};

  private ServerHsmObjects() {}

  /**
   * One object: its attributes by PKCS#11 name ({@code "CKA_SENSITIVE"} to a Boolean,
   * {@code CKA_CLASS}/{@code CKA_KEY_TYPE} to their constant names, {@code CKA_LABEL} to a string,
   * {@code CKA_ID} to lower-case hex).
   */
  public record HsmObject(Map<String, Object> attributes) {
    public boolean isTokenObject() {
      return Boolean.TRUE.equals(attributes.get("CKA_TOKEN"));
    }

    public String objectClass() {
      return (String) attributes.get("CKA_CLASS");
    }

    public String label() {
      return (String) attributes.getOrDefault("CKA_LABEL", "");
    }

    public String id() {
      return (String) attributes.getOrDefault("CKA_ID", "");
    }

    /** A secret or private key: material that must never leave the HSM. */
    public boolean isKeyMaterial() {
      return "CKO_SECRET_KEY".equals(objectClass()) || "CKO_PRIVATE_KEY".equals(objectClass());
    }

    /** The attributes but CKA_TOKEN: what a session copy shares with its token object. */
    public Map<String, Object> withoutToken() {
      Map<String, Object> rest = new LinkedHashMap<>(attributes);
      rest.remove("CKA_TOKEN");
      return rest;
    }

    @Override
    public String toString() {
      return (isTokenObject() ? "token " : "session ") + objectClass() + " " + label() + " id=" + id();
    }
  }

  /** Every object visible to a new session on the server's token (the server must be running). */
  public static List<HsmObject> of(KeyBackend backend, String tokenLabel) {
    // The server's services time their HSM calls through a decorator; the token is the backend under it.
    Pkcs11KeyBackend pkcs11 = (Pkcs11KeyBackend) (backend instanceof MeteredKeyBackend metered ? metered.unwrap()
        : backend);
    try {
      Token token = TokenLookup.byLabel(pkcs11.module(), tokenLabel);
      if (token == null) {
        throw new IllegalStateException("no token labelled " + tokenLabel);
      }
      Session session = token.openSession(false);
      try {
        List<HsmObject> objects = new ArrayList<>();
        for (long handle : session.findAllObjectsSingle(new AttributeVector())) {
          objects.add(read(session, handle));
        }
        return objects;
      } finally {
        session.closeSession();
      }
    } catch (PKCS11Exception e) {
      throw new IllegalStateException("reading the server's HSM objects failed: " + e.getErrorName(), e);
    }
  }

  private static HsmObject read(Session session, long handle) throws PKCS11Exception {
    Map<String, Object> attributes = new LinkedHashMap<>();
    Long objectClass = session.getAttrValues(handle, CKA_CLASS).class_();
    attributes.put("CKA_CLASS", PKCS11Constants.codeToName(PKCS11Constants.Category.CKO, objectClass));
    AttributeVector keyType = readOrNull(session, handle, CKA_KEY_TYPE);
    if (keyType != null && keyType.keyType() != null) {
      attributes.put("CKA_KEY_TYPE", PKCS11Constants.ckkCodeToName(keyType.keyType()));
    }
    AttributeVector label = readOrNull(session, handle, CKA_LABEL);
    attributes.put("CKA_LABEL", label == null || label.label() == null ? "" : label.label());
    AttributeVector id = readOrNull(session, handle, CKA_ID);
    attributes.put("CKA_ID", id == null || id.id() == null ? "" : HexFormat.of().formatHex(id.id()));
    for (long type : BOOLEANS) {
      // One attribute per call: a type the object's class lacks fails only its own read.
      AttributeVector value = readOrNull(session, handle, type);
      Boolean b = value == null ? null : value.getBooleanAttrValue(type);
      if (b != null) {
        attributes.put(PKCS11Constants.ckaCodeToName(type), b);
      }
    }
    return new HsmObject(attributes);
  }

  private static AttributeVector readOrNull(Session session, long handle, long type) throws PKCS11Exception {
    try {
      return session.getAttrValues(handle, type);
    } catch (PKCS11Exception e) {
      if (e.getErrorCode() == CKR_ATTRIBUTE_TYPE_INVALID || e.getErrorCode() == CKR_ATTRIBUTE_SENSITIVE) {
        return null;
      }
      throw e;
    }
  }
}
