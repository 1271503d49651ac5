package org.postern.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ControlReplyTest {
  @Test
  void decode_encodedReply_roundTrips() {
    ControlReply r = ControlReply.ok("1234", List.of("warning: one", "error: two"));

    assertThat(r.encode()).isEqualTo("ok 1234\nwarning: one\nerror: two\n");
    assertThat(ControlReply.decode(r.encode())).isEqualTo(r);
  }

  @Test
  void error_multiLineText_staysOneLine() {
    ControlReply r = ControlReply.error("main.cf, line 2: bad\nvalue");

    assertThat(ControlReply.decode(r.encode())).isEqualTo(ControlReply.error("main.cf, line 2: bad value"));
  }

  @Test
  void decode_unknownFirstWord_isAnError() {
    assertThat(ControlReply.decode("maybe\n").ok()).isFalse();
    assertThat(ControlReply.decode("").ok()).isFalse();
  }
}
