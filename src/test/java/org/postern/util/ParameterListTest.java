package org.postern.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParameterListTest {
  @Test
  void split_commasAndWhitespace_separateItems() {
    assertThat(ParameterList.split(" a, b\tc ,,d\n e")).containsExactly("a", "b", "c", "d", "e");
  }

  @Test
  void split_braces_groupOneItemEvenWithPrefix() {
    assertThat(ParameterList.split("inline:{ {a = b}, {c = d} } cidr:{ {0.0.0.0/0 x} } enforce"))
        .containsExactly("inline:{ {a = b}, {c = d} }", "cidr:{ {0.0.0.0/0 x} }", "enforce");
  }

  @Test
  void split_unbalancedBrace_throwsNamingTheText() {
    assertThatThrownBy(() -> ParameterList.split("inline:{ {a = b}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inline:{ {a = b}");
    assertThatThrownBy(() -> ParameterList.split("a }")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stripBraces_outerPair_removedWithInnerWhitespace() {
    assertThat(ParameterList.stripBraces(" { key = some value } ")).isEqualTo("key = some value");
    assertThat(ParameterList.stripBraces(" plain ")).isEqualTo("plain");
  }
}
