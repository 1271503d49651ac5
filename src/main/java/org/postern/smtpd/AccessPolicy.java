package org.postern.smtpd;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.deliver.VerifyClient;
import org.postern.policy.PolicyClient;
import org.postern.policy.PolicyService;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.Tables;
import org.postern.util.ParameterList;

/**
 * The SMTP access policy of one configuration, read once: the seven restriction lists of
 * smtpd_access(5) and the restriction classes ({@code smtpd_restriction_classes}), the tables they name (each opened once, through {@link Tables#open}), the
 * policy services they ask (one {@link PolicyClient} per distinct {@code check_policy_service}
 * argument, with the {@code smtpd_policy_service_*} settings), the recipient tables of the address
 * classes ({@link UnlistedAddresses}), and the reply codes. Immutable and shared by all sessions;
 * {@link SmtpdCheck} evaluates it for one session.
 *
 * <p>Failure: an unknown restriction, a {@code check_*_access} without a table, or restriction
 * lists that can never refuse a relay attempt are {@link ConfigException}s naming the parameter
 * (the last is Postfix's fail-safe against an open relay), as is a malformed policy service. A table that cannot be opened is logged
 * and answers every lookup with an error, which becomes a {@code 451 4.3.0} temporary failure:
 * mail is deferred, never accepted unchecked.
 */
public final class AccessPolicy {
  private static final System.Logger LOG = System.getLogger("org.postern.smtpd");

  /** The restriction lists, in Postfix's names. */
  enum Stage {
    CLIENT("smtpd_client_restrictions", Restriction.CHECK_CLIENT_ACCESS),
    HELO("smtpd_helo_restrictions", Restriction.CHECK_HELO_ACCESS),
    SENDER("smtpd_sender_restrictions", Restriction.CHECK_SENDER_ACCESS),
    RELAY("smtpd_relay_restrictions", Restriction.CHECK_RECIPIENT_ACCESS),
    RECIPIENT("smtpd_recipient_restrictions", Restriction.CHECK_RECIPIENT_ACCESS),
    DATA("smtpd_data_restrictions", null),
    END_OF_DATA("smtpd_end_of_data_restrictions", null);

    final String parameter;
    final String defaultAcl;

    Stage(String parameter, String defaultAcl) {
      this.parameter = parameter;
      this.defaultAcl = defaultAcl;
    }
  }

  /** Reply codes from main.cf. */
  record Codes(
      int reject,
      int defer,
      int accessMapReject,
      int accessMapDefer,
      int relayDomainsReject,
      int nonFqdn,
      int invalidHostname,
      boolean softBounce) {}

  private final Map<Stage, List<Restriction>> lists;
  /** {@code smtpd_restriction_classes}: each name's restriction list. */
  private final Map<String, List<Restriction>> classes;
  private final Map<String, LookupTable> tables = new HashMap<>();
  private final Map<String, PolicyClient> policies = new HashMap<>();
  private final PolicyService.Defaults policyDefaults;
  private final Path queueDirectory;
  final String compatibilityLevel;
  final String mailVersion;
  final String stress;
  final Destinations destinations;
  final UnlistedAddresses unlisted;
  final UnverifiedAddresses unverified;
  final DnsblRestrictions dnsbl;
  final SenderLogins senderLogins;
  final ClientCertAccess clientCerts;
  private final Codes codes;
  final boolean delayReject;
  final boolean relayBeforeRecipient;
  final boolean rejectUnlistedRecipient;
  final boolean rejectUnlistedSender;
  final boolean parentMatchesSubdomains;
  final String nullAccessKey;
  final String myorigin;
  final String recipientDelimiter;
  /** The resolver, client name lookup and settings of the DNS-based restrictions. */
  final DnsRestrictions.Settings dns;

  private AccessPolicy(MainConfig c, Destinations destinations, VerifyClient verify)
      throws ConfigException {
    this.destinations = destinations;
    this.unverified = UnverifiedAddresses.fromConfig(c, verify);
    this.policyDefaults = policyDefaults(c);
    this.queueDirectory = Path.of(c.get("queue_directory").strip());
    this.compatibilityLevel = c.get("compatibility_level");
    this.mailVersion = c.get("mail_version");
    this.stress = c.get("stress");
    Set<String> classNames = new LinkedHashSet<>(c.getList("smtpd_restriction_classes"));
    this.classes = restrictionClasses(c, classNames);
    Map<Stage, List<Restriction>> m = new HashMap<>();
    for (Stage s : Stage.values()) {
      m.put(s, parse(c, s, classNames));
    }
    this.lists = Map.copyOf(m);
    this.unlisted = UnlistedAddresses.fromConfig(c, this::table);
    this.dnsbl = DnsblRestrictions.fromConfig(c, this::table);
    this.senderLogins = SenderLogins.fromConfig(c, this::table);
    this.clientCerts = ClientCertAccess.fromConfig(c, this::table);
    this.codes =
        new Codes(
            c.getInt("reject_code"),
            c.getInt("defer_code"),
            c.getInt("access_map_reject_code"),
            c.getInt("access_map_defer_code"),
            c.getInt("relay_domains_reject_code"),
            c.getInt("non_fqdn_reject_code"),
            c.getInt("invalid_hostname_reject_code"),
            c.getBoolean("soft_bounce"));
    this.delayReject = c.getBoolean("smtpd_delay_reject");
    this.relayBeforeRecipient = c.getBoolean("smtpd_relay_before_recipient_restrictions");
    this.rejectUnlistedRecipient = c.getBoolean("smtpd_reject_unlisted_recipient");
    this.rejectUnlistedSender = c.getBoolean("smtpd_reject_unlisted_sender");
    this.parentMatchesSubdomains =
        c.getList("parent_domain_matches_subdomains").stream()
            .anyMatch(p -> p.equalsIgnoreCase("smtpd_access_maps"));
    this.nullAccessKey = c.get("smtpd_null_access_lookup_key");
    this.myorigin = c.get("myorigin").toLowerCase(Locale.ROOT);
    this.recipientDelimiter = c.get("recipient_delimiter");
    this.dns = DnsRestrictions.Settings.fromConfig(c);
    if (!Restriction.blocksRelay(lists.get(Stage.RELAY), classes)
        && !Restriction.blocksRelay(lists.get(Stage.RECIPIENT), classes)) {
      throw new ConfigException(
          c.configDirectory().resolve("main.cf"),
          0,
          "smtpd_relay_restrictions",
          "in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, specify at least"
              + " one working instance of: reject_unauth_destination, defer_unauth_destination,"
              + " reject, defer, defer_if_permit");
    }
  }

  private static PolicyService.Defaults policyDefaults(MainConfig c) throws ConfigException {
    try {
      return new PolicyService.Defaults(
          c.getTime("smtpd_policy_service_timeout"),
          c.getTime("smtpd_policy_service_max_idle"),
          c.getTime("smtpd_policy_service_max_ttl"),
          c.getInt("smtpd_policy_service_request_limit"),
          c.getInt("smtpd_policy_service_try_limit"),
          c.getTime("smtpd_policy_service_retry_delay"),
          c.get("smtpd_policy_service_default_action"),
          c.get("smtpd_policy_service_policy_context"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(c.configDirectory().resolve("main.cf"), 0, null, e.getMessage());
    }
  }

  static AccessPolicy fromConfig(MainConfig c, Destinations destinations) throws ConfigException {
    return new AccessPolicy(c, destinations, VerifyClient.UNAVAILABLE);
  }

  /** The policy whose {@code reject_unverified_*} restrictions ask {@code verify}. */
  static AccessPolicy fromConfig(MainConfig c, Destinations destinations, VerifyClient verify)
      throws ConfigException {
    return new AccessPolicy(c, destinations, verify);
  }

  private List<Restriction> parse(MainConfig c, Stage stage, Set<String> classNames)
      throws ConfigException {
    try {
      return Restriction.parse(c.getList(stage.parameter), stage.defaultAcl,
          new Restriction.Sources(this::table, this::policy, classNames));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(c.configDirectory().resolve("main.cf"), 0, stage.parameter, e.getMessage());
    }
  }

  /**
   * Each class is a main.cf parameter holding a restriction list, which may name tables, policy
   * services and other classes. A bare {@code type:table} needs its {@code check_*_access} here:
   * Postern binds that short-hand when it parses a list, not when a class is used.
   */
  private Map<String, List<Restriction>> restrictionClasses(MainConfig c, Set<String> names)
      throws ConfigException {
    Map<String, List<Restriction>> m = new HashMap<>();
    for (String name : names) {
      String value = c.get(name);
      try {
        if (value.isBlank()) {
          throw new IllegalArgumentException("restriction class `" + name + "' needs a definition");
        }
        m.put(name, Restriction.parse(ParameterList.split(value), null,
            new Restriction.Sources(this::table, this::policy, names)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            c.configDirectory().resolve("main.cf"), 0, "smtpd_restriction_classes", e.getMessage());
      }
    }
    return Map.copyOf(m);
  }

  /** The restriction list of class {@code name}, if {@code smtpd_restriction_classes} has it. */
  Optional<List<Restriction>> restrictionClass(String name) {
    return Optional.ofNullable(classes.get(name));
  }

  Codes codes() {
    return codes;
  }

  List<Restriction> list(Stage stage) {
    return lists.get(stage);
  }

  /**
   * A restriction list found as an access table result; it may name restriction classes, not
   * tables or services.
   */
  List<Restriction> parseResult(List<String> words) {
    return Restriction.parse(
        words,
        null,
        new Restriction.Sources(
            spec -> {
              throw new IllegalArgumentException(
                  "do not specify lookup tables inside SMTPD access maps: " + spec);
            },
            spec -> {
              throw new IllegalArgumentException(
                  "do not specify policy services inside SMTPD access maps: " + spec);
            },
            classes.keySet()));
  }

  /** The server stops: the policy services' kept connections are closed. */
  void closePolicyConnections() {
    policies.values().forEach(PolicyClient::close);
  }

  /** One client per distinct service argument, as Postfix registers them. */
  private PolicyClient policy(String spec) {
    return policies.computeIfAbsent(
        spec, s -> PolicyClient.of(PolicyService.parse(s, policyDefaults, queueDirectory)));
  }

  /** Opens {@code spec} once per configuration; a table that fails to open fails its lookups. */
  private LookupTable table(String spec) {
    return tables.computeIfAbsent(spec, AccessPolicy::openOrBroken);
  }

  private static LookupTable openOrBroken(String spec) {
    try {
      return Tables.open(spec);
    } catch (TableException e) {
      LOG.log(Level.WARNING, "{0}", e.getMessage());
      return new BrokenTable(spec, e.getMessage());
    }
  }

  /** A table that could not be opened: every lookup is an error, never "not found". */
  private record BrokenTable(String spec, String reason) implements LookupTable {
    @Override
    public MatchStyle matchStyle() {
      return MatchStyle.FIXED;
    }

    @Override
    public Optional<String> find(String key) throws TableException {
      throw new TableException(reason);
    }
  }
}
