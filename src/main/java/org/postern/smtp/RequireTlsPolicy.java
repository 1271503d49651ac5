package org.postern.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postern.smtp.RequireTlsVerdict.Chosen;
import org.postern.smtp.RequireTlsVerdict.MalformedName;
import org.postern.smtp.RequireTlsVerdict.NoMatch;
import org.postern.smtp.RequireTlsVerdict.PolicyError;
import org.postern.smtp.RequireTlsVerdict.PolicyItem;
import org.postern.smtp.RequireTlsVerdict.TableMatch;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.TableOpener;
import org.postern.util.Idna;
import org.postern.util.ParameterList;

/**
 * A parsed {@code smtp_requiretls_policy} or {@code lmtp_requiretls_policy}: which
 * {@link RequireTlsAction} applies to a next hop when a message asked for REQUIRETLS.
 *
 * <p>The policy is a list of action words and {@code type:table} items, evaluated left to right;
 * the first action word reached, or the first table that answers, decides. Fixed-string tables
 * are also asked for each parent domain with a leading dot ({@code a.b.example}, then
 * {@code .b.example}, then {@code .example}); pattern and remote tables once; an IP address is
 * never split. When nothing matches the action is {@code enforce}.
 *
 * <p>The lookup key is the next-hop name without {@code [ ]}, {@code :port} or {@code :service},
 * in A-label form when the name is not ASCII, so that a policy written with A-labels cannot be
 * evaded by an unnormalized U-label spelling. A non-ASCII name that has no A-label form gets the
 * built-in default action, {@code enforce} (the same action as "no match", and the seed's
 * reading of "default": the README names {@code enforce} as what applies when no policy entry
 * matches), once the first table item is reached; an action word before any table still wins,
 * because it does not depend on the name.
 *
 * <p>Failure: an unknown action word, a table answer that is not a single action word (another
 * table, or a list), a table that cannot be opened or cannot answer, or unbalanced braces yield a
 * {@link PolicyError} when evaluation reaches them, so the delivery defers; they are never read
 * as "no enforcement". Evaluation stops there, as Postfix ignores the rest of such a policy.
 */
public final class RequireTlsPolicy implements AutoCloseable {

  private sealed interface Item {}

  private record ActionWord(RequireTlsAction action, String word) implements Item {}

  private record Table(String shortSpec, LookupTable table) implements Item {}

  private record Bad(String reason) implements Item {}

  private static final String LIST_SEPARATORS = " \t\r\n,";
  private static final String UNIX_PREFIX = "unix:";
  private static final String INET_PREFIX = "inet:";

  private final String parameterName;
  private final List<Item> items;

  private RequireTlsPolicy(String parameterName, List<Item> items) {
    this.parameterName = parameterName;
    this.items = List.copyOf(items);
  }

  /**
   * Parses {@code value}, the expanded text of {@code parameterName}, opening its tables with
   * {@code opener}. Never fails: a bad item becomes an error that evaluation reports.
   */
  public static RequireTlsPolicy parse(String parameterName, String value, TableOpener opener) {
    List<String> words;
    try {
      words = ParameterList.split(value);
    } catch (IllegalArgumentException e) {
      String reason = parameterName + ": bad policy syntax: " + e.getMessage();
      return new RequireTlsPolicy(parameterName, List.of(new Bad(reason)));
    }
    List<Item> items = new ArrayList<>();
    for (String word : words) {
      items.add(item(parameterName, word, opener));
    }
    return new RequireTlsPolicy(parameterName, items);
  }

  private static Item item(String parameterName, String word, TableOpener opener) {
    if (word.indexOf(':') < 0) {
      return RequireTlsAction.parse(word)
          .<Item>map(action -> new ActionWord(action, word))
          .orElseGet(
              () -> new Bad(parameterName + ": unknown policy action: \"" + word + "\""));
    }
    try {
      return new Table(shortSpec(word), opener.open(word));
    } catch (TableException e) {
      return new Bad(
          parameterName + ": cannot open table " + shortSpec(word) + ": " + e.getMessage());
    }
  }

  /** {@code inline:{ {a = b} }} becomes {@code inline:{...}}; file tables stay as written. */
  static String shortSpec(String spec) {
    int brace = spec.indexOf(":{");
    return brace < 0 ? spec : spec.substring(0, brace) + ":{...}";
  }

  /**
   * The next hop that the LMTP client looks up: {@code $myhostname} for a UNIX-domain socket
   * ({@code unix:/path}), the host part for {@code inet:host:port}, else the destination itself.
   */
  public static String lmtpNextHop(String destination, String myhostname) {
    if (destination.regionMatches(true, 0, UNIX_PREFIX, 0, UNIX_PREFIX.length())) {
      return myhostname;
    }
    if (destination.regionMatches(true, 0, INET_PREFIX, 0, INET_PREFIX.length())) {
      return destination.substring(INET_PREFIX.length());
    }
    return destination;
  }

  /** The verdict for {@code nexthop}, a TLS next-hop destination as the client has it. */
  public RequireTlsVerdict evaluate(String nexthop) {
    Optional<String> key = lookupKey(NextHopName.of(nexthop));
    for (Item item : items) {
      switch (item) {
        case ActionWord w -> {
          return new Chosen(w.action(), new PolicyItem(w.word()));
        }
        case Bad b -> {
          return new PolicyError(b.reason());
        }
        case Table t -> {
          if (key.isEmpty()) {
            return new Chosen(RequireTlsAction.ENFORCE, new MalformedName());
          }
          Optional<RequireTlsVerdict> answer = query(t, key.get());
          if (answer.isPresent()) {
            return answer.get();
          }
        }
      }
    }
    return new Chosen(RequireTlsAction.ENFORCE, new NoMatch());
  }

  /** The name in A-label form; empty for a non-ASCII name that has none. */
  private static Optional<String> lookupKey(String name) {
    return NextHopName.isHostAddress(name) ? Optional.of(name) : Idna.toAscii(name);
  }

  private Optional<RequireTlsVerdict> query(Table t, String name) {
    boolean parents =
        t.table().matchStyle() == LookupTable.MatchStyle.FIXED && !NextHopName.isHostAddress(name);
    for (String key = name; !key.isEmpty(); key = parent(key)) {
      Optional<String> value;
      try {
        value = t.table().find(key);
      } catch (TableException e) {
        return Optional.of(
            new PolicyError(
                parameterName + ": " + t.shortSpec() + ": table lookup error: " + e.getMessage()));
      }
      if (value.isPresent()) {
        return Optional.of(answer(t, key, value.get()));
      }
      if (!parents) {
        break;
      }
    }
    return Optional.empty();
  }

  /** {@code a.b.example} to {@code .b.example} to {@code .example}, then the empty string. */
  private static String parent(String key) {
    int dot = key.indexOf('.', 1);
    return dot < 0 ? "" : key.substring(dot);
  }

  private static RequireTlsVerdict answer(Table t, String key, String value) {
    String word = value.strip();
    String table = "table " + t.shortSpec();
    if (word.indexOf(':') >= 0) {
      return new PolicyError(table + ": nested lookup result \"" + word + "\" is not allowed");
    }
    if (word.chars().anyMatch(c -> LIST_SEPARATORS.indexOf(c) >= 0)) {
      return new PolicyError(table + ": composite lookup result \"" + word + "\" is not allowed");
    }
    return RequireTlsAction.parse(word)
        .<RequireTlsVerdict>map(action -> new Chosen(action, new TableMatch(t.shortSpec(), key)))
        .orElseGet(
            () ->
                new PolicyError(
                    table + ": unknown policy action \"" + word + "\" for key " + key));
  }

  @Override
  public void close() {
    for (Item item : items) {
      if (item instanceof Table t) {
        t.table().close();
      }
    }
  }
}
