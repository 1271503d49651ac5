package org.postern.milter;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postern.util.ParameterList;
import org.postern.config.MainConfig;

/**
 * One milter list with everything it needs: the milters ({@code smtpd_milters} or {@code
 * non_smtpd_milters}, each with its timeouts, default action and protocol), the macro lists, and
 * the values of the two configured macros ({@code milter_macro_daemon_name}, {@code
 * milter_macro_v}).
 *
 * <p>Failure: a malformed list or setting is IllegalArgumentException, at start-up.
 */
public record MilterSettings(List<MilterSpec> milters, MacroLists macros, String daemonName,
    String macroV, Map<String, String> macroDefaults) {

  public MilterSettings {
    milters = List.copyOf(milters);
    macroDefaults = Map.copyOf(macroDefaults);
  }

  /** No milters: every stage continues. */
  public static final MilterSettings NONE = new MilterSettings(List.of(),
      MacroLists.of("", "", "", "", "", "", "", ""), "", "", Map.of());

  /**
   * Builds the settings from the list text and the global defaults (main.cf values as read by
   * the caller).
   */
  public static MilterSettings of(String list, Duration connectTimeout, Duration commandTimeout,
      Duration contentTimeout, String defaultAction, String protocol, MacroLists macros,
      String daemonName, String macroV, Map<String, String> macroDefaults) {
    MilterSpec.Defaults defaults = new MilterSpec.Defaults(connectTimeout, commandTimeout,
        contentTimeout, DefaultAction.parse(defaultAction), protocol);
    return new MilterSettings(MilterSpec.parseList(list, defaults), macros, daemonName, macroV,
        macroDefaults);
  }

  /**
   * The settings for one list ({@code config.get("smtpd_milters")} or {@code
   * config.get("non_smtpd_milters")}) with the global milter_* parameters of {@code config}.
   */
  public static MilterSettings from(MainConfig config, String list) {
    MacroLists macros = MacroLists.of(
        config.get("milter_connect_macros"),
        config.get("milter_helo_macros"),
        config.get("milter_mail_macros"),
        config.get("milter_rcpt_macros"),
        config.get("milter_data_macros"),
        config.get("milter_end_of_data_macros"),
        config.get("milter_end_of_header_macros"),
        config.get("milter_unknown_command_macros"));
    return of(list,
        config.getTime("milter_connect_timeout"),
        config.getTime("milter_command_timeout"),
        config.getTime("milter_content_timeout"),
        config.get("milter_default_action"),
        config.get("milter_protocol"),
        macros,
        config.get("milter_macro_daemon_name"),
        config.get("milter_macro_v"),
        macroDefaults(config.get("milter_macro_defaults")));
  }

  /**
   * {@code milter_macro_defaults}: {@code name=value} pairs ({@code { name = value with spaces }}
   * too) for macros the MTA has no value for; keys in the braced form.
   */
  static Map<String, String> macroDefaults(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String item : ParameterList.split(text)) {
      String pair = ParameterList.stripBraces(item);
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("milter_macro_defaults: \"" + item
            + "\" is not a name=value pair");
      }
      out.put(Macros.braced(pair.substring(0, eq).strip()), pair.substring(eq + 1).strip());
    }
    return out;
  }

  public boolean isEmpty() {
    return milters.isEmpty();
  }
}
