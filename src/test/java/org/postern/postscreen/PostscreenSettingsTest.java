package org.postern.postscreen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;

class PostscreenSettingsTest {
  @TempDir Path dir;

  private MainConfig load(String mainCf) throws Exception {
    Files.writeString(dir.resolve("main.cf"), "myhostname = mx.example\n" + mainCf);
    return MainConfig.load(dir);
  }

  @Test
  void fromConfig_defaults_asPostfix() throws Exception {
    PostscreenSettings s = PostscreenSettings.fromConfig(load(""));
    assertThat(s.greetBanner()).contains("mx.example ESMTP Postern");
    assertThat(s.greetWait()).hasSeconds(6);
    assertThat(s.greetAction()).isEqualTo(Action.IGNORE);
    assertThat(s.denylistAction()).isEqualTo(Action.IGNORE);
    assertThat(s.dnsblSites()).isEmpty();
    assertThat(s.enabled(ScreenTest.PREGREET)).isTrue();
    assertThat(s.enabled(ScreenTest.DNSBL)).isFalse();
    assertThat(s.pipelining().action()).isEqualTo(Action.ENFORCE);
    assertThat(s.nonSmtpCommand().action()).isEqualTo(Action.DROP);
    assertThat(s.cache()).isTrue();
    assertThat(s.cacheCleanupInterval()).hasHours(12);
    assertThat(s.cacheRetention()).hasDays(7);
  }

  @Test
  void fromConfig_legacyNames_feedTheNewOnes() throws Exception {
    MainConfig c = load("postscreen_blacklist_action = drop\npostscreen_dnsbl_whitelist_threshold = -2\n");
    PostscreenSettings s = PostscreenSettings.fromConfig(c);
    assertThat(s.denylistAction()).isEqualTo(Action.DROP);
    assertThat(s.allowlistThreshold()).isEqualTo(-2);
  }

  @Test
  void fromConfig_emptyBannerAndCache_turnThemOff() throws Exception {
    PostscreenSettings s =
        PostscreenSettings.fromConfig(load("postscreen_greet_banner =\npostscreen_cache_map =\n"));
    assertThat(s.enabled(ScreenTest.PREGREET)).isFalse();
    assertThat(s.cache()).isFalse();
  }

  @Test
  void fromConfig_badSiteOrAction_isAConfigError() throws Exception {
    assertThatThrownBy(() -> PostscreenSettings.fromConfig(load("postscreen_dnsbl_sites = zen.example*x\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("bad DNSBL weight factor");
    assertThatThrownBy(() -> PostscreenSettings.fromConfig(load("postscreen_dnsbl_action = bounce\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("postscreen_dnsbl_action");
  }
}
