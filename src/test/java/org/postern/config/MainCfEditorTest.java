package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainCfEditorTest {
  @TempDir Path dir;

  @Test
  void set_existingContinuedEntry_replacedInPlaceKeepingComments() throws Exception {
    Path f = dir.resolve("main.cf");
    Files.writeString(f, "# head\nmydestination = a,\n    b\n  # inner\nrelayhost = x\n");
    MainCfEditor.set(f, Map.of("mydestination", "c", "myorigin", "example.org"));
    assertThat(Files.readString(f)).isEqualTo(
        "# head\nmydestination = c\n  # inner\nrelayhost = x\nmyorigin = example.org\n");
  }

  @Test
  void remove_entry_dropsItsContinuationLines() throws Exception {
    Path f = dir.resolve("main.cf");
    Files.writeString(f, "a = 1\n  2\nb = 3\n");
    MainCfEditor.remove(f, Set.of("a"));
    assertThat(Files.readString(f)).isEqualTo("b = 3\n");
  }

  @Test
  void parseAssignment_spacesAroundEquals_areAccepted() throws Exception {
    assertThat(MainCfEditor.parseAssignment("relayhost = [mx]:587"))
        .isEqualTo(Map.entry("relayhost", "[mx]:587"));
    assertThatThrownBy(() -> MainCfEditor.parseAssignment("relayhost"))
        .hasMessageContaining("need name=value");
  }
}
