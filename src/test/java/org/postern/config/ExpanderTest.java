package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postern.util.MacroExpansion;

class ExpanderTest {
  private static final Map<String, String> PARAMS = Map.of(
      "full", "value",
      "empty", "",
      "nested", "<$full>",
      "compatibility_level", "3.11",
      "mydomain", "bücher.example",
      "self", "x $self");

  private static String expand(String text) throws ExpansionException {
    return Expander.expand(text, PARAMS::get).value();
  }

  @Test
  void expand_plainAndBracketedNames_substituteRecursively() throws Exception {
    assertThat(expand("a $full b")).isEqualTo("a value b");
    assertThat(expand("${full}x $(full)y")).isEqualTo("valuex valuey");
    assertThat(expand("[$nested]")).isEqualTo("[<value>]");
  }

  @Test
  void expand_doubleDollar_isLiteralDollar() throws Exception {
    assertThat(expand("cost $$5 $$full")).isEqualTo("cost $5 $full");
  }

  @Test
  void expand_questionMark_givesValueOnlyWhenNonEmpty() throws Exception {
    assertThat(expand("${full?yes}")).isEqualTo("yes");
    assertThat(expand("${empty?yes}")).isEmpty();
    assertThat(expand("${undefined?yes}")).isEmpty();
    assertThat(expand("${full?{a b}}")).isEqualTo("a b");
    assertThat(expand("${full?$nested}")).isEqualTo("<value>");
  }

  @Test
  void expand_colon_givesValueOnlyWhenEmptyOrUndefined() throws Exception {
    assertThat(expand("${full:no}")).isEmpty();
    assertThat(expand("${empty:no}")).isEqualTo("no");
    assertThat(expand("${undefined:{n o}}")).isEqualTo("n o");
  }

  @Test
  void expand_ternary_picksBranch() throws Exception {
    assertThat(expand("${full?{10}:{300}}s")).isEqualTo("10s");
    assertThat(expand("${undefined?{10}:{300}}s")).isEqualTo("300s");
  }

  @Test
  void expand_levelRelation_comparesCompatibilityLevels() throws Exception {
    assertThat(expand("${{$compatibility_level} <level {2} ? {subnet} : {host}}")).isEqualTo("host");
    assertThat(expand("${{$compatibility_level} <level {3.11} ? {} : {may}}")).isEqualTo("may");
    assertThat(expand("${{3.9} <level {3.11} ? {old} : {new}}")).isEqualTo("old");
    assertThat(expand("${{a} == {a} ? {same}}")).isEqualTo("same");
  }

  @Test
  void expand_domainToAscii_convertsNonAsciiOnly() throws Exception {
    assertThat(expand("${domain_to_ascii{$mydomain}}")).isEqualTo("xn--bcher-kva.example");
    assertThat(expand(".${domain_to_ascii{$full}}")).isEqualTo(".value");
  }

  @Test
  void expand_undefinedName_isEmptyAndReported() throws Exception {
    MacroExpansion.Result r = Expander.expand("a${nope}b $gone", PARAMS::get);
    assertThat(r.value()).isEqualTo("ab ");
    assertThat(r.undefined()).containsExactly("nope", "gone");
  }

  @Test
  void expand_selfReference_failsWithRecursion() {
    assertThatThrownBy(() -> expand("$self")).isInstanceOf(ExpansionException.class)
        .hasMessageContaining("recursion");
  }

  @Test
  void expand_unbalancedBrace_fails() {
    assertThatThrownBy(() -> expand("${full")).isInstanceOf(ExpansionException.class)
        .hasMessageContaining("missing '}'");
  }

  @Test
  void expand_whitespaceAndBraces_asPostfix312() throws Exception {
    assertThat(expand("[${ full }]")).isEqualTo("[value]");
    assertThat(expand("[${full ? yes}]")).isEqualTo("[ yes]");
    assertThat(expand("[${full? x }]")).isEqualTo("[ x ]");
    assertThat(expand("[${empty:{ a b }}]")).isEqualTo("[ a b ]");
    assertThat(expand("[${full?{x}: y }]")).isEqualTo("[x]");
    assertThat(expand("[${empty?{x}: y }]")).isEqualTo("[ y ]");
    assertThat(expand("[${full?x:y}]")).isEqualTo("[x:y]");
  }

  @Test
  void expand_relations_compareNumbersWhenAllDigitsElseText() throws Exception {
    assertThat(expand("${{010} == {10} ? {num} : {str}}")).isEqualTo("num");
    assertThat(expand("${{abc} < {abd} ? {lt} : {ge}}")).isEqualTo("lt");
    assertThat(expand("${{ 1} == {1} ? {y} : {n}}")).isEqualTo("n");
    assertThat(expand("[${{a}=={a}?{t}}]")).isEqualTo("[t]");
    assertThat(expand("${{a} == {a}}")).isEqualTo("true");
    assertThat(expand("${{a} == {b} : {no}}")).isEqualTo("no");
  }

  @Test
  void expand_functionArgument_isStripped() throws Exception {
    assertThat(expand("${domain_to_ascii{ $mydomain }}")).isEqualTo("xn--bcher-kva.example");
  }

  @Test
  void expand_malformed_failsWithPostfixWords() {
    assertThatThrownBy(() -> expand("a $ b")).hasMessage("empty macro name: \"a $ b\"");
    assertThatThrownBy(() -> expand("cost 5$")).hasMessage("empty macro name: \"cost 5$\"");
    assertThatThrownBy(() -> expand("${}")).hasMessageContaining("empty macro name");
    assertThatThrownBy(() -> expand("${full/x}"))
        .hasMessage("attribute name syntax error at: \"...full>>>/x\"");
    assertThatThrownBy(() -> expand("${full{x}}"))
        .hasMessageContaining("unknown function \"full\"");
    assertThatThrownBy(() -> expand("${full?{x} y}")).hasMessageContaining("\":\" expected at");
    assertThatThrownBy(() -> expand("${{a} =~ {b} ? {x}}"))
        .hasMessageContaining("unknown operator");
    assertThatThrownBy(() -> expand("${{x} <level {3.11} ? {old}}"))
        .hasMessageContaining("bad compatibility level");
    assertThatThrownBy(() -> expand("${{99999999999999999999} > {1} ? {y}}"))
        .hasMessage("bad conversion: 99999999999999999999");
  }
}
