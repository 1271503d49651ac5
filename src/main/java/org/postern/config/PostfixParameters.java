package org.postern.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every parameter name Postfix 3.12 knows, with the default text its {@code postconf -d} prints,
 * read from the resource {@code postfix-3.12-parameters.cf} (made from the Postfix 3.12 peer's
 * own {@code postconf -d}; the resource says how).
 *
 * <p>Postern's typed registry ({@link Parameters}) holds what Postern reads; the rest of these
 * names are known so that {@code postconf -d} prints them with Postfix's defaults and so that a
 * main.cf setting one of them is answered with "not supported" ({@link ParameterSupport}) instead
 * of Postfix's "unused parameter", which reads like a typo.
 *
 * <p>Failure: a missing or unreadable resource is a broken build, an UncheckedIOException.
 */
final class PostfixParameters {
  private static final String RESOURCE = "postfix-3.12-parameters.cf";

  private PostfixParameters() {}

  /** Name to default text, sorted by name. */
  static Map<String, String> defaults() {
    return Holder.DEFAULTS;
  }

  /** Read on first use: short-lived commands that know their parameters never need it. */
  private static final class Holder {
    static final Map<String, String> DEFAULTS = read();
  }

  private static Map<String, String> read() {
    Map<String, String> m = new TreeMap<>();
    try (InputStream in = PostfixParameters.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("resource " + RESOURCE + " is missing from the build");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int eq = line.indexOf(" =");
        if (eq <= 0) {
          throw new IOException(RESOURCE + ": malformed line: " + line);
        }
        m.put(line.substring(0, eq), line.substring(eq + 2).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Collections.unmodifiableMap(m);
  }
}
