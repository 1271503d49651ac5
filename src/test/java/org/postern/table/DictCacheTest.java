package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DictCacheTest {
  @TempDir Path dir;
  private final List<String> log = new ArrayList<>();

  @Test
  void open_emptySpec_isMemory() throws Exception {
    assertThat(DictCache.open("x_map", "", log::add)).isInstanceOf(DictCache.Memory.class);
  }

  @Test
  void open_lmdb_createsTheDirectory_withoutANotice() throws Exception {
    Path file = dir.resolve("new/cache");
    try (DictCache c = DictCache.open("x_map", "proxy:lmdb:" + file, log::add)) {
      c.put("k", "v");
      assertThat(c.get("k")).contains("v");
    }
    assertThat(dir.resolve("new/cache.lmdb")).isRegularFile();
    assertThat(log).isEmpty();
  }

  @Test
  void open_withoutName_isRefusedNamingTheParameter() {
    assertThatThrownBy(() -> DictCache.open("postscreen_cache_map", "btree:", log::add))
        .isInstanceOf(TableException.class)
        .hasMessage("postscreen_cache_map: need \"type:name\" instead of \"btree:\"");
  }

  @Test
  void cleanup_deletesRejectedEntries_andLogsPostfixStatistics() throws Exception {
    try (DictCache c = DictCache.open("x_map", "lmdb:" + dir.resolve("c"), log::add)) {
      c.put("a", "keep");
      c.put("b", "drop");
      c.put("c", "drop");
      c.put("_LAST_CACHE_CLEANUP_COMPLETED_", "1796579551");

      c.cleanup("btree:/var/lib/postfix/x", e -> e.value().equals("keep"), log::add);

      assertThat(c.entries()).containsExactly(new TableEntry("_LAST_CACHE_CLEANUP_COMPLETED_",
          "1796579551"), new TableEntry("a", "keep"));
    }
    assertThat(log).containsExactly(
        "cache btree:/var/lib/postfix/x full cleanup: retained=1 dropped=2 entries");
  }
}
