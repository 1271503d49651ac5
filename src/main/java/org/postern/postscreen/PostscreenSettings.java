package org.postern.postscreen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.dnsbl.DnsblSite;
import org.postern.smtpd.Mynetworks;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.Tables;

/**
 * postscreen's configuration, read once from main.cf (with the entry's {@code -o} overrides):
 * every value is the Postfix parameter of that name.
 *
 * @param greetBanner {@code postscreen_greet_banner}; empty turns the pregreet test off
 * @param dnsblReplyMap {@code postscreen_dnsbl_reply_map}: the list name a client is told
 * @param cacheMap {@code postscreen_cache_map}; empty turns the cache off
 * @param cacheCleanupInterval {@code postscreen_cache_cleanup_interval}, zero for no cleanup
 */
record PostscreenSettings(
    String myhostname,
    String smtpdBanner,
    Optional<String> greetBanner,
    Duration greetWait,
    Action greetAction,
    Duration greetTtl,
    AccessList accessList,
    Action denylistAction,
    List<DnsblSite> dnsblSites,
    int dnsblThreshold,
    int allowlistThreshold,
    Action dnsblAction,
    List<LookupTable> dnsblReplyMap,
    Duration dnsblMinTtl,
    Duration dnsblMaxTtl,
    Duration dnsblTimeout,
    DeepTest pipelining,
    DeepTest nonSmtpCommand,
    DeepTest bareNewline,
    Duration commandTimeLimit,
    int commandCountLimit,
    int lineLengthLimit,
    boolean heloRequired,
    boolean disableVrfy,
    long messageSizeLimit,
    boolean smtputf8,
    boolean softBounce,
    String cacheMap,
    Duration cacheRetention,
    Duration cacheCleanupInterval,
    int connectionCountLimit,
    int delayResolution) {

  /** One deep protocol test: {@code postscreen_X_enable}, {@code _action} and {@code _ttl}. */
  record DeepTest(boolean enabled, Action action, Duration ttl) {}

  PostscreenSettings {
    dnsblSites = List.copyOf(dnsblSites);
    dnsblReplyMap = List.copyOf(dnsblReplyMap);
  }

  /** Whether the cache is on. */
  boolean cache() {
    return !cacheMap.isEmpty();
  }

  /** The tests this configuration runs. */
  boolean enabled(ScreenTest test) {
    return switch (test) {
      case PREGREET -> greetBanner.isPresent();
      case DNSBL -> !dnsblSites.isEmpty();
      case PIPELINING -> pipelining.enabled();
      case NON_SMTP_COMMAND -> nonSmtpCommand.enabled();
      case BARE_NEWLINE -> bareNewline.enabled();
    };
  }

  static PostscreenSettings fromConfig(MainConfig c) throws ConfigException {
    try {
      return read(c);
    } catch (IllegalArgumentException | TableException e) {
      throw new ConfigException(c.configDirectory().resolve("main.cf"), 0, null, e.getMessage());
    }
  }

  private static PostscreenSettings read(MainConfig c) throws TableException {
    List<DnsblSite> sites = new ArrayList<>();
    for (String spec : c.getList("postscreen_dnsbl_sites")) {
      sites.add(DnsblSite.parseWeighted(spec));
    }
    List<LookupTable> replyMap = new ArrayList<>();
    for (String spec : c.getList("postscreen_dnsbl_reply_map")) {
      replyMap.add(Tables.open(spec));
    }
    String banner = c.get("postscreen_greet_banner").strip();
    return new PostscreenSettings(
        c.get("myhostname"),
        c.get("smtpd_banner"),
        banner.isEmpty() ? Optional.empty() : Optional.of(banner),
        c.getTime("postscreen_greet_wait"),
        action(c, "postscreen_greet_action"),
        c.getTime("postscreen_greet_ttl"),
        AccessList.of(c.getList("postscreen_access_list"), Mynetworks.parse(c.getList("mynetworks")),
            Tables::open),
        action(c, "postscreen_denylist_action"),
        sites,
        c.getInt("postscreen_dnsbl_threshold"),
        c.getInt("postscreen_dnsbl_allowlist_threshold"),
        action(c, "postscreen_dnsbl_action"),
        replyMap,
        c.getTime("postscreen_dnsbl_min_ttl"),
        c.getTime("postscreen_dnsbl_max_ttl"),
        c.getTime("postscreen_dnsbl_timeout"),
        new DeepTest(c.getBoolean("postscreen_pipelining_enable"),
            action(c, "postscreen_pipelining_action"), c.getTime("postscreen_pipelining_ttl")),
        new DeepTest(c.getBoolean("postscreen_non_smtp_command_enable"),
            action(c, "postscreen_non_smtp_command_action"), c.getTime("postscreen_non_smtp_command_ttl")),
        new DeepTest(c.getBoolean("postscreen_bare_newline_enable"),
            action(c, "postscreen_bare_newline_action"), c.getTime("postscreen_bare_newline_ttl")),
        c.getTime("postscreen_command_time_limit"),
        c.getInt("postscreen_command_count_limit"),
        c.getInt("line_length_limit"),
        c.getBoolean("postscreen_helo_required"),
        c.getBoolean("postscreen_disable_vrfy_command"),
        c.getSize("message_size_limit"),
        c.getBoolean("smtputf8_enable"),
        c.getBoolean("soft_bounce"),
        c.get("postscreen_cache_map").strip(),
        c.getTime("postscreen_cache_retention_time"),
        c.getTime("postscreen_cache_cleanup_interval"),
        c.getInt("postscreen_client_connection_count_limit"),
        c.getInt("delay_logging_resolution_limit"));
  }

  private static Action action(MainConfig c, String name) {
    return Action.parse(name, c.get(name));
  }
}
