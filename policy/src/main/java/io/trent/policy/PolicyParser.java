package io.trent.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates policy documents the way AWS refuses them.
 *
 * <p>Order and texts: IAM's validator checks syntax, then Version, then its "legacy parsing" (exact
 * Effect case, resource shapes), then Sid uniqueness, then that statements have actions and resources,
 * then action prefixes [P getmoto/moto:moto/iam/policy_validation.py, whose texts are IAM's]. KMS adds,
 * for key policies: the 32 KiB size limit [D kdg:key-policy-overview.md, model: LimitExceededException],
 * the character set [M model PolicyType], a principal in every statement and only valid principals
 * ({@link MalformedPolicyException#INVALID_PRINCIPALS}), {@code Resource} exactly {@code "*"} and a
 * required Action/NotAction and Resource (AWS Health notice of 2025-08-18, quoted in
 * ministryofjustice/analytical-platform#7691), and no {@code ForAllValues} on
 * {@code kms:EncryptionContext:<k>} [D kdg:conditions-kms.md]. A key policy that is not JSON gets an
 * empty message [R aws/aws-sdk-ruby#1784]. Where KMS's own text for a rule is not recorded, the IAM
 * text for the same rule is used (the closest AWS text we know; see docs/policies.md).
 */
public final class PolicyParser {
  /** KMS key policy size limit in bytes, not adjustable [D kdg:resource-limits.md]. */
  public static final int MAX_KEY_POLICY_BYTES = 32_768;

  static final String SYNTAX = "Syntax errors in policy.";
  static final String VERSION = "Policy document must be version 2012-10-17 or greater.";
  static final String LEGACY = "The policy failed legacy parsing";
  static final String SID_UNIQUE = "Statement IDs (SID) in a single policy must be unique.";
  static final String NO_ACTIONS = "Policy statement must contain actions.";
  static final String NO_RESOURCES = "Policy statement must contain resources.";
  static final String NO_PRINCIPAL_ALLOWED = "Policy document should not specify a principal.";
  static final String ACTION_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
  static final String ACTION_COLON = "Actions/Condition can contain only one colon.";
  // KMS's text for an over-size policy is not recorded [U]; LimitExceededException is the documented type.
  static final String TOO_LARGE = "Policy document exceeds the maximum size of 32768 bytes.";
  static final String KEY_POLICY_RESOURCE = "Policy contains a statement with a Resource other than \"*\".";

  private static final Set<String> TOP_ELEMENTS = Set.of("Version", "Id", "Statement");
  private static final Set<String> STATEMENT_ELEMENTS = Set.of(
      "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition");

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private PolicyParser() {}

  /**
   * Parses a KMS key policy (CreateKey/PutKeyPolicy {@code Policy}). Whether the named principals exist is
   * not checked here: the caller checks {@link #awsPrincipalArns} against its principal store and throws
   * {@link MalformedPolicyException#INVALID_PRINCIPALS} for unknown ones.
   *
   * @throws MalformedPolicyException with AWS's error type and message
   */
  public static PolicyDocument parseKeyPolicy(String text) {
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_POLICY_BYTES) {
      throw new MalformedPolicyException(MalformedPolicyException.LIMIT_EXCEEDED, TOO_LARGE,
          "key policy is " + text.getBytes(StandardCharsets.UTF_8).length + " bytes");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xFF))) {
        throw MalformedPolicyException.malformed("", "character U+" + Integer.toHexString(c) + " outside the key policy character set");
      }
    }
    return parse(text, PolicyKind.KEY_POLICY);
  }

  /**
   * Parses an IAM identity policy (attached to a principal).
   *
   * @throws MalformedPolicyException with IAM's message
   */
  public static PolicyDocument parseIdentityPolicy(String text) {
    return parse(text, PolicyKind.IDENTITY_POLICY);
  }

  /** The distinct AWS principal ARNs and account ids a document names (not {@code "*"}), for existence checks. */
  public static List<String> awsPrincipalArns(PolicyDocument document) {
    List<String> out = new ArrayList<>();
    for (Statement s : document.statements()) {
      if (s.principals() == null) {
        continue;
      }
      for (String p : s.principals().aws()) {
        if (!p.equals("*") && !out.contains(p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static PolicyDocument parse(String text, PolicyKind kind) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw malformedJson(kind, "not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw malformedJson(kind, "policy is not a JSON object");
    }
    // 1. syntax
    for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
      String name = it.next();
      if (!TOP_ELEMENTS.contains(name)) {
        throw syntax("unsupported top-level element " + name);
      }
    }
    JsonNode version = root.get("Version");
    if (version != null && !(version.isTextual() && (version.asText().equals("2012-10-17") || version.asText().equals("2008-10-17")))) {
      throw syntax("Version " + version + " is not a policy language version");
    }
    JsonNode id = root.get("Id");
    if (id != null && !id.isTextual()) {
      throw syntax("Id must be a string");
    }
    JsonNode statementNode = root.get("Statement");
    List<JsonNode> raw = new ArrayList<>();
    if (statementNode == null) {
      throw syntax("no Statement");
    } else if (statementNode.isObject()) {
      raw.add(statementNode);
    } else if (statementNode.isArray() && !statementNode.isEmpty()) {
      statementNode.forEach(raw::add);
    } else {
      throw syntax("Statement must be an object or a non-empty array");
    }
    for (JsonNode s : raw) {
      checkStatementSyntax(s);
    }
    // 2. Version: 2012-10-17 only; an absent Version means 2008-10-17.
    if (version == null || !version.asText().equals("2012-10-17")) {
      throw MalformedPolicyException.malformed(VERSION, "Version is " + (version == null ? "absent" : version.asText()));
    }
    // 3. legacy parsing: Effect is case-sensitive.
    for (JsonNode s : raw) {
      String effect = s.get("Effect").asText();
      if (!effect.equals("Allow") && !effect.equals("Deny")) {
        throw MalformedPolicyException.malformed(LEGACY, "Effect " + effect + " is not Allow or Deny");
      }
    }
    // 4. Sid uniqueness
    Set<String> sids = new HashSet<>();
    for (JsonNode s : raw) {
      JsonNode sid = s.get("Sid");
      if (sid != null && !sid.asText().isEmpty() && !sids.add(sid.asText())) {
        throw MalformedPolicyException.malformed(SID_UNIQUE, "duplicate Sid " + sid.asText());
      }
    }
    // 5. actions and resources present
    for (JsonNode s : raw) {
      if (strings(s, "Action").isEmpty() && strings(s, "NotAction").isEmpty()) {
        throw MalformedPolicyException.malformed(NO_ACTIONS, "statement without Action or NotAction");
      }
    }
    for (JsonNode s : raw) {
      if (strings(s, "Resource").isEmpty() && strings(s, "NotResource").isEmpty()) {
        throw MalformedPolicyException.malformed(NO_RESOURCES, "statement without Resource or NotResource");
      }
    }
    // 6. action prefixes
    for (JsonNode s : raw) {
      for (String a : s.has("Action") ? strings(s, "Action") : strings(s, "NotAction")) {
        checkAction(a);
      }
    }
    // 7. principals and KMS key policy rules
    List<Statement> statements = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      statements.add(statement(raw.get(i), i, kind));
    }
    return new PolicyDocument(kind, version.asText(), id == null ? null : id.asText(), statements);
  }

  private static MalformedPolicyException malformedJson(PolicyKind kind, String detail) {
    return MalformedPolicyException.malformed(kind == PolicyKind.KEY_POLICY ? "" : SYNTAX, detail);
  }

  private static MalformedPolicyException syntax(String detail) {
    return MalformedPolicyException.malformed(SYNTAX, detail);
  }

  private static void checkStatementSyntax(JsonNode s) {
    if (!s.isObject()) {
      throw syntax("a statement is not an object");
    }
    for (Iterator<String> it = s.fieldNames(); it.hasNext();) {
      String name = it.next();
      if (!STATEMENT_ELEMENTS.contains(name)) {
        throw syntax("unsupported statement element " + name);
      }
    }
    pairOnce(s, "Principal", "NotPrincipal");
    pairOnce(s, "Action", "NotAction");
    pairOnce(s, "Resource", "NotResource");
    JsonNode effect = s.get("Effect");
    if (effect == null || !effect.isTextual()
        || !(effect.asText().equalsIgnoreCase("Allow") || effect.asText().equalsIgnoreCase("Deny"))) {
      throw syntax("Effect must be Allow or Deny");
    }
    JsonNode sid = s.get("Sid");
    if (sid != null && !sid.isTextual()) {
      throw syntax("Sid must be a string");
    }
    for (String element : List.of("Action", "NotAction", "Resource", "NotResource")) {
      JsonNode v = s.get(element);
      if (v != null && !isStringOrStrings(v)) {
        throw syntax(element + " must be a string or an array of strings");
      }
    }
    JsonNode condition = s.get("Condition");
    if (condition != null) {
      if (!condition.isObject()) {
        throw syntax("Condition must be an object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> ops = condition.fields(); ops.hasNext();) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (!op.getValue().isObject()) {
          throw syntax("condition operator " + op.getKey() + " must map keys to values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields(); keys.hasNext();) {
          JsonNode values = keys.next().getValue();
          if (!isScalarOrScalars(values)) {
            throw syntax("condition values must be strings, numbers or booleans");
          }
        }
        if (ConditionOperator.parse(op.getKey()) == null && !op.getValue().isEmpty()) {
          throw syntax("unknown condition operator " + op.getKey());
        }
      }
    }
  }

  private static void pairOnce(JsonNode s, String a, String b) {
    if (s.has(a) && s.has(b)) {
      throw syntax("statement has both " + a + " and " + b);
    }
  }

  private static boolean isStringOrStrings(JsonNode v) {
    if (v.isTextual()) {
      return true;
    }
    if (!v.isArray()) {
      return false;
    }
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isScalarOrScalars(JsonNode v) {
    if (v.isValueNode() && !v.isNull()) {
      return true;
    }
    if (!v.isArray()) {
      return false;
    }
    for (JsonNode e : v) {
      if (!e.isValueNode() || e.isNull()) {
        return false;
      }
    }
    return true;
  }

  private static List<String> strings(JsonNode s, String element) {
    JsonNode v = s.get(element);
    if (v == null) {
      return List.of();
    }
    if (v.isTextual()) {
      return List.of(v.asText());
    }
    List<String> out = new ArrayList<>(v.size());
    v.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static void checkAction(String action) {
    if (action.equals("*")) {
      return;
    }
    int colon = action.indexOf(':');
    if (colon < 0) {
      throw MalformedPolicyException.malformed(ACTION_VENDOR, "action " + action + " has no vendor");
    }
    if (action.indexOf(':', colon + 1) >= 0) {
      throw MalformedPolicyException.malformed(ACTION_COLON, "action " + action + " has more than one colon");
    }
    String vendor = action.substring(0, colon);
    for (int i = 0; i < vendor.length(); i++) {
      char c = vendor.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '.')) {
        throw MalformedPolicyException.malformed("Vendor " + vendor + " is not valid", "action " + action);
      }
    }
  }

  private static Statement statement(JsonNode s, int index, PolicyKind kind) {
    JsonNode sidNode = s.get("Sid");
    Effect effect = s.get("Effect").asText().equals("Allow") ? Effect.ALLOW : Effect.DENY;
    boolean notPrincipal = s.has("NotPrincipal");
    JsonNode principalNode = notPrincipal ? s.get("NotPrincipal") : s.get("Principal");
    Principals principals = null;
    if (kind == PolicyKind.IDENTITY_POLICY) {
      if (principalNode != null) {
        throw MalformedPolicyException.malformed(NO_PRINCIPAL_ALLOWED, "identity policy statement names a principal");
      }
    } else {
      principals = principals(principalNode);
    }
    boolean notAction = s.has("NotAction");
    List<String> actions = strings(s, notAction ? "NotAction" : "Action");
    boolean notResource = s.has("NotResource");
    List<String> resources = strings(s, notResource ? "NotResource" : "Resource");
    if (kind == PolicyKind.KEY_POLICY) {
      // "the only accepted Resource element value in a KMS key policy is "*"" (AWS Health notice, 2025);
      // KMS's message for it is not recorded [U].
      if (notResource || !resources.stream().allMatch("*"::equals)) {
        throw MalformedPolicyException.malformed(KEY_POLICY_RESOURCE, "key policy Resource must be \"*\": " + resources);
      }
    }
    List<ConditionClause> conditions = new ArrayList<>();
    JsonNode condition = s.get("Condition");
    if (condition != null) {
      for (Iterator<Map.Entry<String, JsonNode>> ops = condition.fields(); ops.hasNext();) {
        Map.Entry<String, JsonNode> op = ops.next();
        ConditionOperator operator = ConditionOperator.parse(op.getKey());
        for (Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields(); keys.hasNext();) {
          Map.Entry<String, JsonNode> key = keys.next();
          if (operator.set() == ConditionOperator.SetQualifier.FOR_ALL_VALUES
              && key.getKey().toLowerCase(Locale.ROOT).startsWith("kms:encryptioncontext:")) {
            throw MalformedPolicyException.malformed(MalformedPolicyException.OVERLY_PERMISSIVE_ENCRYPTION_CONTEXT,
                op.getKey() + " on " + key.getKey());
          }
          List<String> values = new ArrayList<>();
          if (key.getValue().isArray()) {
            key.getValue().forEach(v -> values.add(v.asText()));
          } else {
            values.add(key.getValue().asText());
          }
          conditions.add(new ConditionClause(op.getKey(), key.getKey(), values));
        }
      }
    }
    return new Statement(sidNode == null ? null : sidNode.asText(), index, effect, principals, notPrincipal,
        actions, notAction, resources, notResource, conditions);
  }

  private static Principals principals(JsonNode node) {
    if (node == null) {
      throw MalformedPolicyException.malformed(MalformedPolicyException.INVALID_PRINCIPALS, "key policy statement without a principal");
    }
    if (node.isTextual()) {
      if (node.asText().equals("*")) {
        return new Principals(true, List.of(), List.of());
      }
      throw invalidPrincipal("Principal string other than \"*\": " + node.asText());
    }
    if (!node.isObject() || node.isEmpty()) {
      throw invalidPrincipal("Principal must be \"*\" or an object");
    }
    List<String> aws = new ArrayList<>();
    List<String> services = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!isStringOrStrings(e.getValue()) || e.getValue().isEmpty() && e.getValue().isArray()) {
        throw invalidPrincipal("principal values must be strings");
      }
      List<String> values = new ArrayList<>();
      if (e.getValue().isTextual()) {
        values.add(e.getValue().asText());
      } else {
        e.getValue().forEach(v -> values.add(v.asText()));
      }
      switch (e.getKey()) {
        case "AWS" -> {
          for (String v : values) {
            if (!PrincipalArn.isValidPolicyPrincipal(v)) {
              throw invalidPrincipal("invalid AWS principal " + v);
            }
            aws.add(v);
          }
        }
        case "Service" -> {
          for (String v : values) {
            if (!isServicePrincipal(v)) {
              throw invalidPrincipal("invalid service principal " + v);
            }
            services.add(v);
          }
        }
        // IAM groups, Federated and CanonicalUser principals are not valid in key policies
        // [D kdg:key-policy-overview.md].
        default -> throw invalidPrincipal("unsupported principal type " + e.getKey());
      }
    }
    return new Principals(false, aws, services);
  }

  private static MalformedPolicyException invalidPrincipal(String detail) {
    return MalformedPolicyException.malformed(MalformedPolicyException.INVALID_PRINCIPALS, detail);
  }

  /** Service principals look like {@code ec2.amazonaws.com} (or a regional / China form of it). */
  private static boolean isServicePrincipal(String v) {
    if (!(v.endsWith(".amazonaws.com") || v.endsWith(".amazonaws.com.cn")) || v.startsWith(".")) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
