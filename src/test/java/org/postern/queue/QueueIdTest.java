package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class QueueIdTest {
  @Test
  void forFile_microsAndInode_upperCaseHex() {
    Instant t = Instant.parse("2024-05-01T12:00:00.123456Z");

    QueueId id = QueueId.forFile(t, 0x1a2bL);

    assertThat(id.value()).isEqualTo("1E2401A2B");
    assertThat(id.inode()).isEqualTo(0x1a2bL);
  }

  @Test
  void forFile_smallMicros_zeroPadsToFiveDigits() {
    assertThat(QueueId.forFile(Instant.ofEpochSecond(5, 15_000), 1).value()).isEqualTo("0000F1");
  }

  @Test
  void withInode_keepsTimeDigits() {
    assertThat(QueueId.of("1E2401A2B").withInode(0xff).value()).isEqualTo("1E240FF");
  }

  @Test
  void isValid_rejectsLowerCaseShortAndPaths() {
    assertThat(QueueId.isValid("1E2401A2B")).isTrue();
    assertThat(QueueId.isValid("1e2401a2b")).isFalse();
    assertThat(QueueId.isValid("1E240")).isFalse();
    assertThat(QueueId.isValid("../1E2401")).isFalse();
    assertThat(QueueId.isValid(null)).isFalse();
    assertThatThrownBy(() -> QueueId.of("x")).isInstanceOf(IllegalArgumentException.class);
  }
}
