package org.postern.tlsrpt;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code _smtp._tls} TXT record of a policy domain (RFC 8460 section 3): {@code
 * v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/tlsrpt}, reduced to the
 * report URIs Postern can deliver to ({@code mailto:} and {@code https:}); other schemes are
 * skipped.
 *
 * <p>Failure: a record that breaks the grammar (no {@code rua}, a bad field, a URI that does not
 * parse) is ignored, as is a set of TXT records with no or more than one {@code v=TLSRPTv1}
 * record: the domain then takes no reports.
 */
record TlsRptRecord(List<URI> rua) {
  private static final Pattern VERSION = Pattern.compile("v=TLSRPTv1[ \t]*;.*", Pattern.DOTALL);
  private static final Pattern EXTENSION =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}=[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");

  TlsRptRecord {
    rua = List.copyOf(rua);
  }

  /** The record among a name's TXT records, or empty when there is not exactly one valid one. */
  static Optional<TlsRptRecord> select(List<String> txt) {
    List<String> candidates = txt.stream().filter(t -> VERSION.matcher(t).matches()).toList();
    return candidates.size() == 1 ? parse(candidates.getFirst()) : Optional.empty();
  }

  /** Fields separated by {@code ;} with optional blanks, the first {@code v=TLSRPTv1}. */
  static Optional<TlsRptRecord> parse(String text) {
    String[] fields = text.split(";", -1);
    List<URI> rua = null;
    for (int i = 1; i < fields.length; i++) {
      String field = fields[i].strip();
      if (field.isEmpty() && i == fields.length - 1) {
        break;
      }
      if (field.startsWith("rua=") && rua == null) {
        Optional<List<URI>> uris = uris(field.substring(4));
        if (uris.isEmpty()) {
          return Optional.empty();
        }
        rua = uris.get();
      } else if (!EXTENSION.matcher(field).matches()) {
        return Optional.empty();
      }
    }
    return rua == null ? Optional.empty() : Optional.of(new TlsRptRecord(rua));
  }

  private static Optional<List<URI>> uris(String value) {
    List<URI> out = new ArrayList<>();
    for (String item : value.split(",", -1)) {
      URI uri;
      try {
        uri = new URI(item.strip());
      } catch (URISyntaxException e) {
        return Optional.empty();
      }
      if (uri.getScheme() == null) {
        return Optional.empty();
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      if (scheme.equals("mailto") && !mailbox(uri).isEmpty()
          || scheme.equals("https") && uri.getHost() != null) {
        out.add(uri);
      }
    }
    return Optional.of(out);
  }

  /** The address of a {@code mailto:} URI (RFC 6068), without its {@code ?query}. */
  static String mailbox(URI mailto) {
    String part = mailto.getSchemeSpecificPart();
    int query = part.indexOf('?');
    return (query < 0 ? part : part.substring(0, query)).strip();
  }
}
