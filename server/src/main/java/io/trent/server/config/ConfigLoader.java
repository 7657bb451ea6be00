package io.trent.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.trent.core.key.ServiceIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads YAML over the built-in defaults and applies {@code TRENT_<SECTION>_<KEY>} overrides. */
final class ConfigLoader {
  static final String PIN_VARIABLE = "TRENT_PKCS11_PIN";
  private static final String DEFAULTS = "defaults.yaml";
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .build();

  private ConfigLoader() {}

  static TrentConfig load(Path file, Map<String, String> env) {
    ObjectNode tree = defaults();
    if (file != null) {
      mergeFile(tree, file);
    }
    applyEnvironment(tree, env);
    String pin = env.get(PIN_VARIABLE);
    String origin = file == null ? "built-in defaults" : file.toString();
    return new TrentConfig(
        section(tree, "server", ServerConfig.class, origin),
        section(tree, "identity", ServiceIdentity.class, origin),
        section(tree, "auth", AuthConfig.class, origin),
        section(tree, "tls", TlsConfig.class, origin),
        Path.of(tree.get("dataDir").asText()),
        section(tree, "metadata", MetadataConfig.class, origin),
        section(tree, "pkcs11", Pkcs11Config.class, origin),
        section(tree, "kms", KmsConfig.class, origin),
        section(tree, "audit", AuditConfig.class, origin),
        pin == null || pin.isEmpty() ? null : Secret.of(pin));
  }

  private static ObjectNode defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + DEFAULTS);
      }
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("Unreadable resource " + DEFAULTS, e);
    }
  }

  private static void mergeFile(ObjectNode tree, Path file) {
    JsonNode read;
    try {
      read = YAML.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException("Configuration file not found: " + file);
    } catch (IOException e) {
      throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    if (read == null || read.isMissingNode() || read.isNull()) {
      return; // an empty file means "all defaults"
    }
    if (!read.isObject()) {
      throw new ConfigException("Configuration file " + file + " must be a YAML mapping");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = read.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      JsonNode current = tree.get(key);
      if (current == null) {
        throw new ConfigException("Unknown configuration key '" + key + "' in " + file
            + " (known: " + fieldNames(tree) + ")");
      }
      if (value == null || value.isNull()) {
        continue;
      }
      if (current.isObject()) {
        if (!value.isObject()) {
          throw new ConfigException("'" + key + "' in " + file + " must be a mapping");
        }
        // Per key, so a file that sets only server.port keeps the other server defaults.
        ((ObjectNode) current).setAll((ObjectNode) value);
      } else {
        tree.set(key, value);
      }
    }
  }

  private static void applyEnvironment(ObjectNode tree, Map<String, String> env) {
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String section = entry.getKey();
      if (entry.getValue().isObject()) {
        ObjectNode node = (ObjectNode) entry.getValue();
        for (String key : fieldNames(node)) {
          String value = env.get(variableName(section, key));
          if (value != null) {
            JsonNode current = node.get(key);
            node.set(key, current.isArray() ? list(value)
                : current.isObject() ? mapping(variableName(section, key), value) : TextNode.valueOf(value));
          }
        }
      } else {
        String value = env.get("TRENT_" + upperSnake(section));
        if (value != null) {
          entry.setValue(TextNode.valueOf(value));
        }
      }
    }
  }

  /** A list from one variable: comma-separated, e.g. {@code TRENT_SERVER_ALLOWED_HOSTS=kms.example.com,localhost}. */
  private static ArrayNode list(String value) {
    ArrayNode list = YAML.createArrayNode();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        list.add(item.trim());
      }
    }
    return list;
  }

  /**
   * A mapping from one variable, in YAML's flow style, e.g.
   * {@code TRENT_PKCS11_KEY_PAIR_POOL='{RSA_2048: 8, RSA_3072: 2}'} (a container sets no file more easily).
   */
  private static ObjectNode mapping(String variable, String value) {
    JsonNode read;
    try {
      read = YAML.readTree(value);
    } catch (IOException e) {
      throw new ConfigException(variable + " must be a YAML mapping such as '{a: 1}': " + e.getMessage(), e);
    }
    if (read == null || read.isNull() || read.isMissingNode() || (read.isTextual() && read.asText().isBlank())) {
      return YAML.createObjectNode();
    }
    if (!read.isObject()) {
      throw new ConfigException(variable + " must be a YAML mapping such as '{a: 1}'");
    }
    return (ObjectNode) read;
  }

  /** {@code ("server", "maxRequestBytes")} becomes {@code TRENT_SERVER_MAX_REQUEST_BYTES}. */
  static String variableName(String section, String key) {
    return "TRENT_" + upperSnake(section) + "_" + upperSnake(key);
  }

  private static String upperSnake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  private static <T> T section(ObjectNode tree, String name, Class<T> type, String origin) {
    try {
      return YAML.treeToValue(tree.get(name), type);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConfigException config) {
        throw config;
      }
      throw new ConfigException("Invalid '" + name + "' section (" + origin
          + ", or a TRENT_" + upperSnake(name) + "_* variable): " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid '" + name + "' section (" + origin + "): " + e.getMessage(), e);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
