package org.postern.smtpd;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.dns.DnsjavaResolver;
import org.postern.dnsbl.DnsLists;
import org.postern.dnsbl.DnsblSite;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.util.MacroExpansion;
import org.xbill.DNS.Address;

/**
 * smtpd's DNS list restrictions (smtpd_access(5)): {@code reject_rbl_client}, {@code
 * reject_rhsbl_client}, {@code reject_rhsbl_reverse_client}, {@code reject_rhsbl_helo}, {@code
 * reject_rhsbl_sender}, {@code reject_rhsbl_recipient}, {@code permit_dnswl_client} and {@code
 * permit_rhswl_client}, each with its {@code domain[=d.d.d.d]} argument. A listed client is
 * refused with the template that {@code rbl_reply_maps} gives for the site (looked up as written,
 * then by its domain), else {@code default_rbl_reply}, whose {@code $rbl_code} ({@code
 * maps_rbl_reject_code}), {@code $rbl_class}, {@code $rbl_what}, {@code $rbl_domain} and {@code
 * $rbl_reason} (the list's TXT text, also {@code $rbl_txt}) are this check's; other names are the
 * session's, as in reply footers.
 *
 * <p>The allow-lists never permit a recipient the relay check would refuse.
 *
 * <p>Failure: a list that does not answer is a {@code warning: NAME: RBL lookup error: ...} and
 * the restriction does not match; for an allow-list, a later rejection is softened to {@code 450
 * 4.7.1} (Postfix's {@code defer_if_reject}). A template that does not start with a 4xx/5xx code
 * is a warning and a {@code 450 4.7.1 Service unavailable}; an {@code rbl_reply_maps} lookup
 * error is a {@code 451 4.3.5} server configuration error.
 */
final class DnsblRestrictions {
  private static final Duration DNS_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern DSN = Pattern.compile("^([245][.][0-9]{1,3}[.][0-9]{1,3}) +");
  private static final String REVERSE_CLIENT = "Unverified Client host";

  private final DnsLists lists;
  private final List<LookupTable> replyMaps;
  private final String defaultReply;
  private final int rejectCode;
  private final String filter;
  private final String myhostname;

  DnsblRestrictions(DnsLists lists, List<LookupTable> replyMaps, String defaultReply,
      int rejectCode, String filter, String myhostname) {
    this.lists = lists;
    this.replyMaps = List.copyOf(replyMaps);
    this.defaultReply = defaultReply;
    this.rejectCode = rejectCode;
    this.filter = filter;
    this.myhostname = myhostname;
  }

  static DnsblRestrictions fromConfig(MainConfig c, Function<String, LookupTable> tables)
      throws ConfigException {
    DnsjavaResolver resolver;
    try {
      resolver = DnsjavaResolver.configured(c.get("postern_dns_resolver_address"),
          Path.of("/etc/resolv.conf"), DNS_TIMEOUT);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(c.configDirectory().resolve("main.cf"), 0,
          "postern_dns_resolver_address", e.getMessage());
    }
    return new DnsblRestrictions(new DnsLists(resolver),
        c.getList("rbl_reply_maps").stream().map(tables).toList(),
        c.get("default_rbl_reply"), c.getInt("maps_rbl_reject_code"),
        MacroExpansion.unescape(c.get("smtpd_expansion_filter")), c.get("myhostname"));
  }

  /** Evaluates DNS list restriction {@code r} for the session of {@code check}. */
  SmtpdCheck.Status apply(SmtpdCheck check, Restriction r) throws SmtpdCheck.Abort {
    CheckState state = check.state;
    DnsblSite site = r.site().orElseThrow();
    String name = state.clientName;
    boolean known = !name.equalsIgnoreCase("unknown");
    return switch (r.name()) {
      case "reject_rbl_client" -> reject(check, site, address(state), state.clientAddress, SmtpdCheck.CLIENT);
      case "permit_dnswl_client" -> permit(check, site, address(state), state.clientAddress, SmtpdCheck.CLIENT);
      case "reject_rhsbl_client" -> known ? rejectDomain(check, site, name, SmtpdCheck.CLIENT) : none();
      case "permit_rhswl_client" -> known ? permitDomain(check, site, name, SmtpdCheck.CLIENT) : none();
      case "reject_rhsbl_reverse_client" -> reverseClient(check, site, state.peer.reverseName());
      case "reject_rhsbl_helo" ->
          state.helo != null ? rejectDomain(check, site, state.helo, SmtpdCheck.HELO) : none();
      case "reject_rhsbl_sender" -> state.sender != null && !state.sender.isEmpty()
          ? rejectDomain(check, site, state.sender, SmtpdCheck.SENDER) : none();
      case "reject_rhsbl_recipient" ->
          state.recipient != null ? rejectDomain(check, site, state.recipient, SmtpdCheck.RECIPIENT) : none();
      default -> throw new IllegalArgumentException("not a DNS list restriction: " + r.name());
    };
  }

  private static SmtpdCheck.Status none() {
    return SmtpdCheck.Status.DUNNO;
  }

  private static Optional<String> address(CheckState state) {
    try {
      return Optional.of(DnsLists.addressQuery(Address.getByAddress(state.clientAddress), ""));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private SmtpdCheck.Status rejectDomain(SmtpdCheck check, DnsblSite site, String what, String replyClass)
      throws SmtpdCheck.Abort {
    return reject(check, site, DnsLists.domainQuery(what, ""),
        what, replyClass);
  }

  private SmtpdCheck.Status permitDomain(SmtpdCheck check, DnsblSite site, String what, String replyClass) {
    return permit(check, site, DnsLists.domainQuery(what, ""),
        what, replyClass);
  }

  /** {@code prefix} is the query name without the list's domain, ending in a dot. */
  private SmtpdCheck.Status reject(SmtpdCheck check, DnsblSite site, Optional<String> prefix,
      String what, String replyClass) throws SmtpdCheck.Abort {
    if (prefix.isEmpty()) {
      return SmtpdCheck.Status.DUNNO;
    }
    String query = prefix.get() + site.domain();
    return switch (lists.ask(query, site)) {
      case DnsLists.Answer.Listed listed -> refuse(check, site, query, what, replyClass);
      case DnsLists.Answer.NotListed notListed -> SmtpdCheck.Status.DUNNO;
      case DnsLists.Answer.Unavailable u -> {
        check.state.warning(query + ": RBL lookup error: " + u.why());
        yield SmtpdCheck.Status.DUNNO;
      }
    };
  }

  private SmtpdCheck.Status permit(SmtpdCheck check, DnsblSite site, Optional<String> prefix,
      String what, String replyClass) {
    if (prefix.isEmpty()) {
      return SmtpdCheck.Status.DUNNO;
    }
    String query = prefix.get() + site.domain();
    return switch (lists.ask(query, site)) {
      case DnsLists.Answer.Listed listed -> SmtpdCheck.Status.OK;
      case DnsLists.Answer.NotListed notListed -> SmtpdCheck.Status.DUNNO;
      case DnsLists.Answer.Unavailable u -> {
        check.state.warning(query + ": RBL lookup error: " + u.why());
        yield check.deferIf(check.state.deferIfReject, 450, "4.7.1",
            "<" + what + ">: " + replyClass + " rejected: Service unavailable");
      }
    };
  }

  /** Postfix's {@code rbl_reject_reply()}. */
  private SmtpdCheck.Status refuse(SmtpdCheck check, DnsblSite site, String query, String what,
      String replyClass) throws SmtpdCheck.Abort {
    String template = template(check, site).orElse(defaultReply);
    String reason = lists.reason(query);
    Function<String, String> macros = name -> switch (name) {
      case "rbl_code" -> Integer.toString(rejectCode);
      case "rbl_domain" -> site.domain();
      case "rbl_reason", "rbl_txt" -> reason;
      case "rbl_what" -> what;
      case "rbl_class" -> replyClass;
      default -> session(check.state).lookup(name);
    };
    String why;
    try {
      why = MacroExpansion.expand(template, macros, filter);
    } catch (IllegalArgumentException e) {
      check.state.warning("rbl_reject_reply: bad rbl reply template for domain " + site.domainAndFilter()
          + ": " + template);
      why = MacroExpansion.expand(defaultReply, macros, filter);
    }
    if (!why.matches("[45][0-9][0-9] .*")) {
      check.state.warning("rbl response code configuration error: " + why);
      return check.reject(450, "4.7.1", "Service unavailable");
    }
    int code = Integer.parseInt(why.substring(0, 3));
    String text = why.substring(4);
    String dsn = "4.7.1";
    Matcher m = DSN.matcher(text);
    if (m.find()) {
      dsn = m.group(1);
      text = text.substring(m.end());
    }
    return check.reject(code, DsnFix.fix(dsn, replyClass), text.isEmpty() ? "Service unavailable" : text);
  }

  private Optional<String> template(SmtpdCheck check, DnsblSite site) throws SmtpdCheck.Abort {
    try {
      for (String key : site.spec().equals(site.domain())
          ? List.of(site.domain()) : List.of(site.spec(), site.domain())) {
        for (LookupTable map : replyMaps) {
          Optional<String> found = map.find(key);
          if (found.isPresent()) {
            return found;
          }
        }
      }
      return Optional.empty();
    } catch (TableException e) {
      check.state.warning(e.getMessage());
      throw check.abort(451, "4.3.5", "Server configuration error");
    }
  }

  /** The unverified (PTR) name of the client, as Postfix's {@code reverse_name}. */
  private SmtpdCheck.Status reverseClient(SmtpdCheck check, DnsblSite site, String reverseName)
      throws SmtpdCheck.Abort {
    return reverseName.equalsIgnoreCase("unknown")
        ? none() : rejectDomain(check, site, reverseName, REVERSE_CLIENT);
  }

  private SmtpdExpand session(CheckState state) {
    return new SmtpdExpand(myhostname, state.namaddr(), state.clientName, state.peer.reverseName(),
        state.clientAddress,
        state.clientPort, state.helo, state.sender, state.recipient, ZonedDateTime.now());
  }
}
