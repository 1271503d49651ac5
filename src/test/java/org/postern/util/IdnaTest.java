package org.postern.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdnaTest {
  @Test
  void toAscii_uLabel_becomesALabel() {
    assertThat(Idna.toAscii("bücher.example")).contains("xn--bcher-kva.example");
  }

  @Test
  void toAscii_ascii_unchanged() {
    assertThat(Idna.toAscii("Mail.Example.COM")).contains("Mail.Example.COM");
  }

  @Test
  void toAscii_uts46NonTransitional_keepsSharpS() {
    // IDNA2003 would map ß to ss; IDNA2008 non-transitional keeps it.
    assertThat(Idna.toAscii("faß.de")).contains("xn--fa-hia.de");
  }

  @Test
  void toAscii_invalidName_isEmpty() {
    assertThat(Idna.toAscii("ü..example")).isEmpty();
  }

  @Test
  void toUnicode_aLabel_becomesULabel() {
    assertThat(Idna.toUnicode("xn--bcher-kva.example")).contains("bücher.example");
  }
}
