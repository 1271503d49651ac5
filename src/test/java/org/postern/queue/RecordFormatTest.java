package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordFormatTest {
  @Test
  void sizeData_fourFields_rightAlignedInFifteenColumns() {
    String s = new String(RecordFormat.sizeData(4096, 123, 0, 2), StandardCharsets.US_ASCII);

    assertThat(s).isEqualTo(String.format("%15d %15d %15d %15d", 4096, 123, 0, 2));
    assertThat(s).hasSize(RecordFormat.SIZE_DATA_LENGTH);
  }

  @Test
  void sizeData_negativeAndWideValues_likeFormatter() {
    String s = new String(RecordFormat.sizeData(-1, 1234567890123456L, 7, -20),
        StandardCharsets.US_ASCII);

    assertThat(s).isEqualTo(String.format("%15d %15d %15d %15d", -1, 1234567890123456L, 7, -20));
  }
}
