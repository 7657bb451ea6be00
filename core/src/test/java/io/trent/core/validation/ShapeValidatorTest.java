package io.trent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.error.ValidationException;
import org.junit.jupiter.api.Test;

class ShapeValidatorTest {

  @Test
  void asciiKeyIdsPass() {
    assertThatCode(() -> ShapeValidator.create().keyId("keyId", "alias/Example~ 1\u007f", true).validate())
        .doesNotThrowAnyException();
  }

  @Test
  void aKeyIdWithANonAsciiCharacterFailsThePattern() {
    assertThatThrownBy(() -> ShapeValidator.create().keyId("keyId", "alias/caf\u00e9", true).validate())
        .isInstanceOf(ValidationException.class)
        .hasMessage("1 validation error detected: Value 'alias/caf\u00e9' at 'keyId' failed to satisfy constraint:"
            + " Member must satisfy regular expression pattern: ^\\p{ASCII}+$");
  }

  @Test
  void anEmptyKeyIdFailsLengthAndPattern() {
    assertThatThrownBy(() -> ShapeValidator.create().keyId("keyId", "", true).validate())
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("2 validation errors detected: ")
        .hasMessageContaining("Member must have length greater than or equal to 1")
        .hasMessageContaining("Member must satisfy regular expression pattern: ^\\p{ASCII}+$");
  }
}
