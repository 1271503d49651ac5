package org.postern.policy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.postern.config.ParameterType;
import org.postern.util.ParameterList;

/**
 * One {@code check_policy_service} endpoint and its settings (SMTPD_POLICY_README): {@code
 * inet:host:port}, {@code unix:path} or {@code local:path} (a relative path is under {@code
 * queue_directory}, as {@code unix:private/policy} is in Postfix), or a list in braces whose first
 * item is the endpoint and whose other items override the {@code smtpd_policy_service_*}
 * parameters without that prefix: {@code { inet:host:port, timeout=10s, default_action=DUNNO,
 * { default_action = 451 4.3.5 See the web page } }}.
 *
 * <p>{@link #name()} is the restriction's argument as written: Postfix names the service that way
 * when it logs what a reply did ({@code access table inet:127.0.0.1:9998 ...}); {@link
 * #endpoint()} is the endpoint without its transport, as Postfix's I/O warnings name it ({@code
 * connect to 127.0.0.1:9998: Connection refused}).
 *
 * <p>Failure: {@link #parse} throws {@link IllegalArgumentException} in Postfix's words for a
 * missing transport, an unknown transport or option, a malformed option or a value out of range;
 * smtpd refuses to start with it.
 */
public record PolicyService(
    String name,
    String endpoint,
    SocketAddress address,
    Duration timeout,
    Duration maxIdle,
    Duration maxTtl,
    int requestLimit,
    int tryLimit,
    Duration retryDelay,
    String defaultAction,
    String policyContext) {

  /** The main.cf settings every service starts from ({@code smtpd_policy_service_*}). */
  public record Defaults(
      Duration timeout,
      Duration maxIdle,
      Duration maxTtl,
      int requestLimit,
      int tryLimit,
      Duration retryDelay,
      String defaultAction,
      String policyContext) {
    /** Postfix's limits on the main.cf values; a violation is fatal at start. */
    public Defaults {
      for (var t : List.of(
          Map.entry("smtpd_policy_service_timeout", timeout),
          Map.entry("smtpd_policy_service_max_idle", maxIdle),
          Map.entry("smtpd_policy_service_max_ttl", maxTtl),
          Map.entry("smtpd_policy_service_retry_delay", retryDelay))) {
        Settings.atLeastOneSecond(t.getKey(), t.getValue());
      }
      Settings.atLeast("smtpd_policy_service_request_limit", requestLimit, 0);
      Settings.atLeast("smtpd_policy_service_try_limit", tryLimit, 1);
    }
  }

  private static final String PREFIX = "smtpd_policy_service_";

  private static final String SEPARATORS = " \t\r\n,";

  /** Parses the argument of {@code check_policy_service}. */
  public static PolicyService parse(String spec, Defaults defaults, Path queueDirectory) {
    String endpointSpec = spec;
    Settings s = new Settings(defaults);
    if (spec.startsWith("{")) {
      List<String> items;
      try {
        items = ParameterList.split(ParameterList.stripBraces(spec), SEPARATORS);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("policy service syntax error: " + e.getMessage());
      }
      if (items.isEmpty()) {
        throw new IllegalArgumentException("empty policy service: \"" + spec + "\"");
      }
      endpointSpec = items.get(0);
      for (String item : items.subList(1, items.size())) {
        s.override(ParameterList.stripBraces(item));
      }
    }
    int colon = endpointSpec.indexOf(':');
    if (colon <= 0 || colon == endpointSpec.length() - 1) {
      throw new IllegalArgumentException(
          "need service transport:endpoint instead of \"" + endpointSpec + "\"");
    }
    String transport = endpointSpec.substring(0, colon);
    String endpoint = endpointSpec.substring(colon + 1);
    SocketAddress address = switch (transport) {
      case "inet" -> inet(endpoint, endpointSpec);
      case "unix", "local" -> UnixDomainSocketAddress.of(queueDirectory.resolve(endpoint));
      default -> throw new IllegalArgumentException(
          "invalid transport name: " + transport + " in service: " + endpointSpec);
    };
    return new PolicyService(spec, endpoint, address, s.timeout, s.maxIdle, s.maxTtl, s.requestLimit,
        s.tryLimit, s.retryDelay, s.defaultAction, s.policyContext);
  }

  private static InetSocketAddress inet(String hostPort, String spec) {
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? "" : hostPort.substring(0, colon).replaceFirst("^\\[(.*)\\]$", "$1");
    String port = colon < 0 ? "" : hostPort.substring(colon + 1);
    if (host.isEmpty() || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("bad inet: endpoint \"" + spec + "\": need host:port");
    }
    return InetSocketAddress.createUnresolved(host, Integer.parseInt(port));
  }

  /** The settings of one service while its overrides are applied. */
  private static final class Settings {
    Duration timeout;
    Duration maxIdle;
    Duration maxTtl;
    int requestLimit;
    int tryLimit;
    Duration retryDelay;
    String defaultAction;
    String policyContext;

    Settings(Defaults d) {
      timeout = d.timeout();
      maxIdle = d.maxIdle();
      maxTtl = d.maxTtl();
      requestLimit = d.requestLimit();
      tryLimit = d.tryLimit();
      retryDelay = d.retryDelay();
      defaultAction = d.defaultAction();
      policyContext = d.policyContext();
    }

    /** One {@code name=value} (Postfix's {@code attr_override}). */
    void override(String nameValue) {
      int eq = nameValue.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("malformed option: missing '=' after attribute name: \"..."
            + nameValue + "...\"");
      }
      String key = nameValue.substring(0, eq).strip();
      String value = nameValue.substring(eq + 1).strip();
      if (key.isEmpty()) {
        throw new IllegalArgumentException("malformed option: missing attribute name: \"..."
            + nameValue + "...\"");
      }
      // The override names are the main.cf names without their prefix.
      switch (PREFIX + key) {
        case "smtpd_policy_service_timeout" -> timeout = time(key, value);
        case "smtpd_policy_service_max_idle" -> maxIdle = time(key, value);
        case "smtpd_policy_service_max_ttl" -> maxTtl = time(key, value);
        case "smtpd_policy_service_retry_delay" -> retryDelay = time(key, value);
        case "smtpd_policy_service_request_limit" -> requestLimit = integer(key, value, 0);
        case "smtpd_policy_service_try_limit" -> tryLimit = integer(key, value, 1);
        case "smtpd_policy_service_default_action" -> defaultAction = nonEmpty(key, value);
        case "smtpd_policy_service_policy_context" -> policyContext = nonEmpty(key, value);
        default -> throw new IllegalArgumentException(
            "unknown option: \"" + key + " = " + value + "\"");
      }
    }

    private static Duration time(String key, String value) {
      Duration d = ParameterType.parseTime(value, 's');
      if (d == null) {
        throw new IllegalArgumentException(key + ": bad time value or unit: " + value);
      }
      atLeastOneSecond(key, d);
      return d;
    }

    static void atLeastOneSecond(String key, Duration d) {
      if (d.toSeconds() < 1) {
        throw new IllegalArgumentException("invalid " + key + ": " + d.toSeconds() + " (min 1)");
      }
    }

    static void atLeast(String key, int n, int min) {
      if (n < min) {
        throw new IllegalArgumentException("invalid " + key + " parameter value " + n + " < " + min);
      }
    }

    private static int integer(String key, String value, int min) {
      int n;
      try {
        n = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad numerical configuration: " + key + " = " + value);
      }
      atLeast(key, n, min);
      return n;
    }

    private static String nonEmpty(String key, String value) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("bad string length 0 < 1: " + key + " = ");
      }
      return value;
    }
  }
}
