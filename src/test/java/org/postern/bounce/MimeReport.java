package org.postern.bounce;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough MIME for the tests: a header (unfolded, names in lower case, first value wins),
 * a body, and for a multipart the parts between the boundary lines.
 */
record MimeReport(Map<String, String> headers, String body, List<MimeReport> parts) {
  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"([^\"]+)\"");

  static MimeReport parse(String text) {
    int end = text.indexOf("\n\n");
    String head = end < 0 ? text : text.substring(0, end);
    String body = end < 0 ? "" : text.substring(end + 2);
    Map<String, String> headers = fields(head);
    List<MimeReport> parts = new ArrayList<>();
    Matcher m = BOUNDARY.matcher(headers.getOrDefault("content-type", ""));
    if (m.find()) {
      String delimiter = "\n--" + m.group(1);
      String[] chunks = ("\n" + body).split(Pattern.quote(delimiter), -1);
      for (int i = 1; i < chunks.length; i++) {
        if (chunks[i].startsWith("--")) {
          break;
        }
        parts.add(parse(chunks[i].substring(1)));
      }
    }
    return new MimeReport(headers, body, parts);
  }

  /** Header-style fields of one block: unfolded, lower-case names, first occurrence kept. */
  static Map<String, String> fields(String block) {
    Map<String, String> f = new LinkedHashMap<>();
    String unfolded = block.replaceAll("\n[ \t]+", " ");
    for (String line : unfolded.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        f.putIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT),
            line.substring(colon + 1).strip());
      }
    }
    return f;
  }

  /** The field blocks of a delivery-status body: per-message first, then one per recipient. */
  List<Map<String, String>> statusBlocks() {
    List<Map<String, String>> blocks = new ArrayList<>();
    for (String block : body.strip().split("\n\n")) {
      blocks.add(fields(block));
    }
    return blocks;
  }

  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  String contentType() {
    String type = headers.getOrDefault("content-type", "text/plain");
    int semi = type.indexOf(';');
    return (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }
}
