package org.postern.milter;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.postern.util.ParameterList;

/**
 * The macro names sent at each stage: Postfix's {@code milter_connect_macros}, {@code
 * milter_helo_macros}, {@code milter_mail_macros}, {@code milter_rcpt_macros}, {@code
 * milter_data_macros}, {@code milter_unknown_command_macros}, {@code milter_end_of_header_macros}
 * and {@code milter_end_of_data_macros}, or a milter's own lists from option negotiation.
 */
public record MacroLists(Map<MacroStage, List<String>> names) {
  public MacroLists {
    Map<MacroStage, List<String>> copy = new EnumMap<>(MacroStage.class);
    for (MacroStage s : MacroStage.values()) {
      copy.put(s, List.copyOf(names.getOrDefault(s, List.of())));
    }
    names = Map.copyOf(copy);
  }

  /** The lists from their main.cf texts, in {@link MacroStage} order. */
  public static MacroLists of(String connect, String helo, String mail, String rcpt, String data,
      String eom, String eoh, String unknown) {
    Map<MacroStage, List<String>> m = new EnumMap<>(MacroStage.class);
    m.put(MacroStage.CONNECT, ParameterList.split(connect));
    m.put(MacroStage.HELO, ParameterList.split(helo));
    m.put(MacroStage.MAIL, ParameterList.split(mail));
    m.put(MacroStage.RCPT, ParameterList.split(rcpt));
    m.put(MacroStage.DATA, ParameterList.split(data));
    m.put(MacroStage.EOM, ParameterList.split(eom));
    m.put(MacroStage.EOH, ParameterList.split(eoh));
    m.put(MacroStage.UNKNOWN, ParameterList.split(unknown));
    return new MacroLists(m);
  }

  public List<String> at(MacroStage stage) {
    return names.get(stage);
  }

  /** These lists with one stage's list replaced (SMFIR_SETSYMLIST). */
  MacroLists with(MacroStage stage, List<String> list) {
    Map<MacroStage, List<String>> m = new EnumMap<>(names);
    m.put(stage, list);
    return new MacroLists(m);
  }
}
