package org.postern.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MacroExpansionTest {
  private static final Map<String, String> VALUES =
      Map.of("client_address", "192.0.2.1", "helo_name", "evil\u0007name", "empty", "");

  private static String expand(String template, String filter) {
    return MacroExpansion.expand(template, VALUES::get, filter);
  }

  @Test
  void expand_plainBracedAndParenthesizedNames() {
    assertThat(expand("[$client_address] ${client_address} $(client_address)", ""))
        .isEqualTo("[192.0.2.1] 192.0.2.1 192.0.2.1");
  }

  @Test
  void expand_conditionalsAndDollarDollar() {
    assertThat(expand("${client_address?from $client_address}${empty:none}${empty?x}$$5", ""))
        .isEqualTo("from 192.0.2.1none$5");
  }

  @Test
  void expand_unknownName_isEmpty() {
    assertThat(expand("<$nosuchname>", "")).isEqualTo("<>");
  }

  @Test
  void expand_valueOutsideFilter_becomesUnderscores() {
    assertThat(expand("$helo_name", "abcdefghijklmnopqrstuvwxyz")).isEqualTo("evil_name");
  }

  @Test
  void expand_valuesAreNotExpandedAgain() {
    assertThat(MacroExpansion.expand("$a", Map.of("a", "$b", "b", "no")::get, "")).isEqualTo("$b");
  }

  @Test
  void expand_truncatedOrEmptyName_isParseError() {
    assertThatThrownBy(() -> expand("${client_address", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> expand("cost: $ 5", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> expand("trailing $", "")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unescape_cEscapesAndOctal() {
    assertThat(MacroExpansion.unescape("\\t\\40!\\\\x\\n")).isEqualTo("\t !\\x\n");
  }
}
