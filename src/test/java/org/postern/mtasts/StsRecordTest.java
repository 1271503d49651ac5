package org.postern.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StsRecordTest {
  @Test
  void select_oneValidRecord_itsId() {
    assertThat(StsRecord.select(List.of("v=spf1 -all", "v=STSv1; id=20160831085700Z;")))
        .contains(new StsRecord("20160831085700Z"));
    assertThat(StsRecord.select(List.of("v=STSv1;id=abc")))
        .contains(new StsRecord("abc"));
  }

  @Test
  void select_extensionFieldsAndBlanks_ignored() {
    assertThat(StsRecord.select(List.of("v=STSv1 ;  ext_1=x:y ;id=A1 ; ")))
        .contains(new StsRecord("A1"));
  }

  @Test
  void select_noneOrSeveral_noPolicy() {
    assertThat(StsRecord.select(List.of())).isEmpty();
    assertThat(StsRecord.select(List.of("v=STSv1; id=a;", "v=STSv1; id=b;"))).isEmpty();
    assertThat(StsRecord.select(List.of("v=STSv10; id=a;"))).isEmpty();
    assertThat(StsRecord.select(List.of("v=stsv1; id=a;"))).isEmpty();
  }

  @Test
  void parse_badId_noPolicy() {
    assertThat(StsRecord.select(List.of("v=STSv1;"))).isEmpty();
    assertThat(StsRecord.select(List.of("v=STSv1; id=;"))).isEmpty();
    assertThat(StsRecord.select(List.of("v=STSv1; id=has-dash;"))).isEmpty();
    assertThat(StsRecord.select(List.of("v=STSv1; id=" + "a".repeat(33) + ";"))).isEmpty();
  }

  @Test
  void parse_malformedField_noPolicy() {
    assertThat(StsRecord.parse("v=STSv1; id=abc; junk")).isEqualTo(Optional.empty());
    assertThat(StsRecord.parse("v=STSv1; id=abc;; x=y")).isEmpty();
  }
}
