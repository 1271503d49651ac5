package org.postern.master;

import java.util.ArrayList;
import java.util.List;

/**
 * The master's answer on the control socket: on the wire, a first line {@code ok TEXT} or {@code
 * error TEXT}, then one line per message (warnings about services), then end of stream.
 *
 * @param ok whether the request was carried out
 * @param text for status the pid, for an error what went wrong
 * @param messages warnings and errors about single services, one line each
 */
public record ControlReply(boolean ok, String text, List<String> messages) {
  public ControlReply {
    text = oneLine(text);
    messages = messages.stream().map(ControlReply::oneLine).toList();
  }

  static ControlReply ok(String text, List<String> messages) {
    return new ControlReply(true, text, messages);
  }

  static ControlReply error(String text) {
    return new ControlReply(false, text, List.of());
  }

  String encode() {
    StringBuilder b = new StringBuilder(ok ? "ok" : "error");
    if (!text.isEmpty()) {
      b.append(' ').append(text);
    }
    b.append('\n');
    messages.forEach(m -> b.append(m).append('\n'));
    return b.toString();
  }

  static ControlReply decode(String wire) {
    List<String> lines = new ArrayList<>(wire.lines().toList());
    if (lines.isEmpty()) {
      return error("empty reply from the master");
    }
    String first = lines.remove(0);
    int sp = first.indexOf(' ');
    String word = sp < 0 ? first : first.substring(0, sp);
    String text = sp < 0 ? "" : first.substring(sp + 1);
    return switch (word) {
      case "ok" -> new ControlReply(true, text, lines);
      case "error" -> new ControlReply(false, text, lines);
      default -> error("unexpected reply from the master: \"" + first + "\"");
    };
  }

  private static String oneLine(String s) {
    return s.replaceAll("[\\r\\n]+", " ");
  }
}
