package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the fixture's token from outside the JVM with OpenSC's {@code pkcs11-tool --list-objects}
 * (a second process may open the token while the server runs; a second PKCS#11 module in this JVM
 * may not). The user PIN is read from the fixture's PIN file and passed only on the tool's command
 * line; it is never logged or put in an assertion message.
 */
final class Pkcs11Tool {
  static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";

  private Pkcs11Tool() {}

  /** One object as pkcs11-tool prints it. */
  record TokenObject(String header, Map<String, String> fields) {
    /** "Secret Key", "Private Key", "Public Key", ... */
    String kind() {
      int i = header.indexOf(" Object");
      return i < 0 ? header : header.substring(0, i);
    }

    String label() {
      return fields.getOrDefault("label", "");
    }

    /** CKA_ID in hex (lower case). */
    String id() {
      return fields.getOrDefault("ID", "").toLowerCase();
    }

    /** The Access flags, e.g. [sensitive, always sensitive, never extractable, local]. */
    List<String> access() {
      return flags("Access");
    }

    List<String> usage() {
      return flags("Usage");
    }

    private List<String> flags(String name) {
      String v = fields.get(name);
      return v == null || v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).toList();
    }

    boolean isKeyMaterial() {
      return kind().equals("Secret Key") || kind().equals("Private Key");
    }
  }

  /** Every token object pkcs11-tool sees after logging in. */
  static List<TokenObject> listObjects() {
    return parseObjects(run("--list-objects"));
  }

  /**
   * The token objects pkcs11-tool sees WITHOUT logging in: the public ones (CKA_PRIVATE false).
   * A private object (CKA_PRIVATE true) is invisible until the user logs in.
   */
  static List<TokenObject> listPublicObjects() {
    return parseObjects(runWithoutLogin("--list-objects"));
  }

  private static List<TokenObject> parseObjects(String out) {
    List<TokenObject> objects = new ArrayList<>();
    String header = null;
    Map<String, String> fields = null;
    for (String line : out.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (!Character.isWhitespace(line.charAt(0))) {
        if (header != null) {
          objects.add(new TokenObject(header, fields));
        }
        header = line.trim();
        fields = new LinkedHashMap<>();
      } else if (fields != null) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          fields.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
      }
    }
    if (header != null) {
      objects.add(new TokenObject(header, fields));
    }
    return objects;
  }

  /** Deletes a secret key by CKA_ID (hex), as an HSM operator could from outside Trent. */
  static void deleteSecretKey(String idHex) {
    run("--delete-object", "--type", "secrkey", "--id", idHex);
  }

  /** Deletes every key-material object (secret or private key) labelled {@code trent:<keyId>}. */
  static void deleteKeyMaterialOf(String keyId) {
    for (TokenObject o : objectsOf(keyId)) {
      if (o.isKeyMaterial()) {
        run("--delete-object", "--type", o.kind().equals("Secret Key") ? "secrkey" : "privkey", "--id", o.id());
      }
    }
  }

  /** Generates an AES token key with pkcs11-tool's defaults (modifiable), as a control. */
  static void generateModifiableSecretKey(String idHex, String label) {
    run("--keygen", "--key-type", "aes:32", "--id", idHex, "--label", label);
  }

  /**
   * Tries to change an object's CKA_ID with {@code --set-id} (a C_SetAttributeValue), as anyone with
   * the PIN could; true when the token allowed it.
   *
   * @param type pkcs11-tool's object type: secrkey, privkey or pubkey
   */
  static boolean trySetId(String type, String idHex, String newIdHex) {
    ProcessBuilder pb = new ProcessBuilder(loggedIn("--set-id", newIdHex, "--id", idHex, "--type", type));
    pb.environment().put("SOFTHSM2_CONF", Trent.softhsmConf().toString());
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("pkcs11-tool finished").isTrue();
      return p.exitValue() == 0;
    } catch (IOException e) {
      throw new IllegalStateException("pkcs11-tool could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The objects labelled {@code trent:<keyId>}. */
  static List<TokenObject> objectsOf(String keyId) {
    return listObjects().stream().filter(o -> o.label().equals("trent:" + keyId)).toList();
  }

  private static String runWithoutLogin(String... args) {
    List<String> command = new ArrayList<>(List.of(
        "pkcs11-tool", "--module", MODULE, "--token-label", Trent.TOKEN_LABEL));
    command.addAll(Arrays.asList(args));
    return execute(command, null);
  }

  private static String run(String... args) {
    return execute(loggedIn(args), pin());
  }

  private static String pin() {
    try {
      return Files.readString(Trent.dataDir().resolve("pin"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the fixture's PIN file", e);
    }
  }

  private static List<String> loggedIn(String... args) {
    List<String> command = new ArrayList<>(List.of(
        "pkcs11-tool", "--module", MODULE, "--token-label", Trent.TOKEN_LABEL, "--login", "--pin", pin()));
    command.addAll(Arrays.asList(args));
    return command;
  }

  /** Runs pkcs11-tool on the fixture's token; {@code pin} (if any) is masked in failure messages. */
  private static String execute(List<String> command, String pin) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("SOFTHSM2_CONF", Trent.softhsmConf().toString());
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      // stderr carries one CKR_ATTRIBUTE_SENSITIVE warning per sensitive object: read it concurrently.
      StringBuilder err = new StringBuilder();
      Thread drain = new Thread(() -> {
        try {
          err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException ignored) {
          // the exit code tells
        }
      });
      drain.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("pkcs11-tool finished").isTrue();
      drain.join();
      String stderr = pin == null ? err.toString() : err.toString().replace(pin, "****");
      assertThat(p.exitValue()).as("pkcs11-tool exit code; stderr: %s", stderr).isZero();
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("pkcs11-tool could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
