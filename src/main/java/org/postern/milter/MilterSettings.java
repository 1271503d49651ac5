package org.postern.milter;

import java.time.Duration;
import java.util.List;

/**
 * One milter list with everything it needs: the milters ({@code smtpd_milters} or {@code
 * non_smtpd_milters}, each with its timeouts, default action and protocol), the macro lists, and
 * the values of the two configured macros ({@code milter_macro_daemon_name}, {@code
 * milter_macro_v}).
 *
 * <p>Failure: a malformed list or setting is IllegalArgumentException, at start-up.
 */
public record MilterSettings(List<MilterSpec> milters, MacroLists macros, String daemonName,
    String macroV) {

  public MilterSettings {
    milters = List.copyOf(milters);
  }

  /** No milters: every stage continues. */
  public static final MilterSettings NONE =
      new MilterSettings(List.of(), MacroLists.of("", "", "", "", "", "", "", ""), "", "");

  /**
   * Builds the settings from the list text and the global defaults (main.cf values as read by
   * the caller).
   */
  public static MilterSettings of(String list, Duration connectTimeout, Duration commandTimeout,
      Duration contentTimeout, String defaultAction, String protocol, MacroLists macros,
      String daemonName, String macroV) {
    MilterSpec defaults = new MilterSpec("inet:defaults:1", connectTimeout, commandTimeout,
        contentTimeout, DefaultAction.parse(defaultAction), protocol);
    return new MilterSettings(MilterSpec.parseList(list, defaults), macros, daemonName, macroV);
  }

  public boolean isEmpty() {
    return milters.isEmpty();
  }
}
