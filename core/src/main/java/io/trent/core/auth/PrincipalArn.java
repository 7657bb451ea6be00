package io.trent.core.auth;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ARN of an IAM principal that may hold access keys: an account root
 * ({@code arn:aws:iam::111122223333:root}), a user ({@code ...:user/path/name}) or a role
 * ({@code ...:role/path/name}). Names follow IAM's character set ({@code [\w+=,.@-]}, paths of
 * {@code /}-separated segments).
 *
 * @param value the ARN as written
 * @param partition e.g. {@code aws}
 * @param accountId 12 digits
 * @param kind root, user or role
 */
public record PrincipalArn(String value, String partition, String accountId, Kind kind) {
  private static final Pattern SHAPE = Pattern.compile(
      "arn:(aws[a-z-]*):iam::(\\d{12}):(root|user/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,128}"
          + "|role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,128})");

  /** What kind of IAM identity the ARN names. */
  public enum Kind { ROOT, USER, ROLE }

  public PrincipalArn {
    Objects.requireNonNull(value, "value");
  }

  /**
   * Parses a principal ARN.
   *
   * @throws IllegalArgumentException when it is not the ARN of an account root, IAM user or role
   */
  public static PrincipalArn parse(String arn) {
    Matcher matcher = SHAPE.matcher(Objects.requireNonNull(arn, "arn"));
    if (arn.length() > 2048 || !matcher.matches()) {
      throw new IllegalArgumentException("Not the ARN of an IAM user, role or account root: '" + arn
          + "' (e.g. arn:aws:iam::111122223333:user/alice or arn:aws:iam::111122223333:role/app)");
    }
    String resource = matcher.group(3);
    Kind kind = resource.equals("root") ? Kind.ROOT : resource.startsWith("user/") ? Kind.USER : Kind.ROLE;
    return new PrincipalArn(arn, matcher.group(1), matcher.group(2), kind);
  }

  /** The root ARN of an account: {@code arn:<partition>:iam::<account>:root}. */
  public static PrincipalArn root(String partition, String accountId) {
    return parse("arn:" + partition + ":iam::" + accountId + ":root");
  }

  @Override
  public String toString() {
    return value;
  }
}
