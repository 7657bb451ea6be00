package io.trent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code principal add --tag}: refused before the store or the HSM is touched, with a message naming the rule. */
class PrincipalCommandTest {
  @TempDir Path dataDir;

  @Test
  void aTagThatIamRefusesIsAUsageError() {
    assertRefused("--tag: A tag is Key=Value, not 'team'", "--arn", "arn:aws:iam::111122223333:user/a", "--tag", "team");
    assertRefused("keys beginning with aws: are reserved", "--arn", "arn:aws:iam::111122223333:user/a", "--tag", "aws:x=1");
    assertRefused("is given twice", "--arn", "arn:aws:iam::111122223333:user/a", "--tag", "a=1", "--tag", "a=2");
    assertRefused("differ only in case", "--arn", "arn:aws:iam::111122223333:role/r", "--tag", "Team=1", "--tag", "team=2");
    assertRefused("an account root cannot have tags", "--arn", "arn:aws:iam::111122223333:root", "--tag", "a=1");
  }

  private void assertRefused(String message, String... args) {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    String[] full = new String[args.length + 3];
    full[0] = "add";
    System.arraycopy(args, 0, full, 1, args.length);
    full[args.length + 1] = "--data-dir";
    full[args.length + 2] = dataDir.resolve("none").toString();
    int exit = new CommandLine(new PrincipalCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(out))
        .execute(full);
    assertThat(exit).as(String.join(" ", args)).isEqualTo(2);
    assertThat(err.toString()).contains(message);
    assertThat(out.toString()).isEmpty();
  }
}
