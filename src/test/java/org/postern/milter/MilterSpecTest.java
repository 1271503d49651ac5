package org.postern.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MilterSpecTest {
  private static final MilterSpec.Defaults DEFAULTS = new MilterSpec.Defaults(
      Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(300),
      DefaultAction.SHUTDOWN, "6");

  @Test
  void parseList_plainAndGroupedItems_takeDefaultsAndOverrides() {
    List<MilterSpec> list = MilterSpec.parseList("inet:127.0.0.1:8891, "
        + "{ unix:/run/m.sock, connect_timeout=10s, command_timeout=1m, content_timeout=2m,"
        + " default_action=accept, protocol=4 }", DEFAULTS);
    assertEquals(DEFAULTS.named("inet:127.0.0.1:8891"), list.get(0));
    assertEquals(new MilterSpec("unix:/run/m.sock", Duration.ofSeconds(10), Duration.ofMinutes(1),
        Duration.ofMinutes(2), DefaultAction.ACCEPT, "4"), list.get(1));
  }

  @Test
  void parseList_badItems_areRefusedByName() {
    assertEquals("Milter service needs transport:endpoint instead of \"localhost\"",
        assertThrows(IllegalArgumentException.class,
            () -> MilterSpec.parseList("localhost", DEFAULTS)).getMessage());
    assertEquals("invalid transport name: tcp in Milter service: tcp:host:1",
        assertThrows(IllegalArgumentException.class,
            () -> MilterSpec.parseList("tcp:host:1", DEFAULTS)).getMessage());
    assertEquals("milter inet:h:1: unknown setting \"timeout\"",
        assertThrows(IllegalArgumentException.class,
            () -> MilterSpec.parseList("{ inet:h:1, timeout=5 }", DEFAULTS)).getMessage());
    assertEquals("milter inet:h:1: bad time value \"soon\"",
        assertThrows(IllegalArgumentException.class,
            () -> MilterSpec.parseList("{ inet:h:1, connect_timeout=soon }", DEFAULTS)).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> MilterSpec.parseList("{ inet:h:1, default_action=bounce }", DEFAULTS));
    assertThrows(IllegalArgumentException.class,
        () -> MilterSpec.parseList("inet:h:99999", DEFAULTS));
  }
}
