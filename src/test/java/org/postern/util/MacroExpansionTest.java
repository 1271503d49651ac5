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

  @Test
  void expand_recurse_expandsValuesInTurnAndReportsUndefined() {
    Map<String, String> params = Map.of("a", "<$b>", "b", "$$x");
    MacroExpansion.Result r =
        MacroExpansion.expand("$a ${gone}", params::get, MacroExpansion.Flags.RECURSE);
    assertThat(r.value()).isEqualTo("<$x> ");
    assertThat(r.undefined()).containsExactly("gone");
  }

  @Test
  void expand_filter_censorsValuesNotLiteralText() {
    Map<String, String> attrs = Map.of("user", "a;b c");
    assertThat(MacroExpansion.expand("x;$user ${user?{ok;}}", attrs::get, "abc"))
        .isEqualTo("x;a_b_c ok;");
  }

  @Test
  void expand_fullMacExpandSyntax_inTemplates() {
    assertThat(expand("${client_address?{[$client_address]}:{unknown}} ${empty?{x}:{y}}", ""))
        .isEqualTo("[192.0.2.1] y");
    assertThat(expand("${{$client_address} == {192.0.2.1} ? {local} : {remote}}", ""))
        .isEqualTo("local");
  }

  @Test
  void references_listWhatIsWritten_withoutExpanding() {
    assertThat(MacroExpansion.references("a ${recipient} $(user?x) $$ $sender-${ nexthop }"))
        .containsExactly("recipient", "user?x", "sender", " nexthop ");
    assertThatThrownBy(() -> MacroExpansion.references("${user"))
        .hasMessageContaining("missing '}'");
    assertThatThrownBy(() -> MacroExpansion.references("a$"))
        .hasMessageContaining("empty macro name");
  }
}
