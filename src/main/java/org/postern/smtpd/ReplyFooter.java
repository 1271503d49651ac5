package org.postern.smtpd;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.Tables;
import org.postern.util.MacroExpansion;

/**
 * {@code smtpd_reject_footer} and {@code smtpd_reject_footer_maps}: text appended to every 4xx
 * and 5xx reply, as Postfix's {@code smtp_reply_footer()} appends it. The footer for a reply is
 * the value {@code smtpd_reject_footer_maps} has for the reply text ({@code 550 5.1.1 <u@d>:
 * ...}), else {@code smtpd_reject_footer}. A literal {@code \n} in the footer starts a new reply
 * line and {@code \c} at its very start continues the reply's last line instead; each new line
 * repeats the reply code and enhanced status code. {@code $client_address} and the other
 * attributes of smtpd_expand ({@code client}, {@code client_name}, {@code reverse_client_name},
 * {@code client_port}, {@code helo_name}, {@code sender}, {@code recipient} with their {@code
 * _name} and {@code _domain} parts, {@code server_name}, {@code localtime}) are expanded, their
 * values filtered through {@code smtpd_expansion_filter}.
 *
 * <p>Failure: a footer whose macros do not parse (or that would put a line break into the reply)
 * is left off and the reply goes out as it was; a footer table that cannot answer falls back to {@code
 * smtpd_reject_footer}; a footer table that cannot be opened is a {@link ConfigException}.
 */
final class ReplyFooter {
  private final String footer;
  private final List<LookupTable> maps;
  private final String filter;

  private ReplyFooter(String footer, List<LookupTable> maps, String filter) {
    this.footer = footer;
    this.maps = List.copyOf(maps);
    this.filter = filter;
  }

  static ReplyFooter fromConfig(MainConfig c) throws ConfigException {
    List<LookupTable> maps = new ArrayList<>();
    for (String spec : c.getList("smtpd_reject_footer_maps")) {
      try {
        maps.add(Tables.open(spec));
      } catch (TableException e) {
        throw new ConfigException(c.configDirectory().resolve("main.cf"), 0,
            "smtpd_reject_footer_maps", e.getMessage());
      }
    }
    return new ReplyFooter(c.get("smtpd_reject_footer"), maps,
        MacroExpansion.unescape(c.get("smtpd_expansion_filter")));
  }

  /**
   * {@code reply} with its footer; other replies, and every reply when no footer is configured,
   * unchanged. {@code macros} answers a macro name with its value, or null for an unknown name.
   */
  Reply apply(Reply reply, Function<String, String> macros) {
    if (!reply.isError()) {
      return reply;
    }
    String template = mapped(reply).orElse(footer);
    if (template.isEmpty()) {
      return reply;
    }
    List<String> lines = new ArrayList<>(reply.lines());
    String[] parts = template.split("\\\\n", -1);
    try {
      for (int i = 0; i < parts.length; i++) {
        String part = parts[i];
        boolean continued = i == 0 && part.startsWith("\\c");
        String text = MacroExpansion.expand(continued ? part.substring(2) : part, macros, filter);
        if (continued) {
          lines.set(lines.size() - 1, lines.get(lines.size() - 1) + text);
        } else {
          lines.add(text);
        }
      }
      return new Reply(reply.code(), reply.enhanced(), lines);
    } catch (IllegalArgumentException e) {
      return reply;
    }
  }

  private Optional<String> mapped(Reply reply) {
    String key = reply.toString();
    for (LookupTable t : maps) {
      try {
        Optional<String> v = t.find(key);
        if (v.isPresent()) {
          return v;
        }
      } catch (TableException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
