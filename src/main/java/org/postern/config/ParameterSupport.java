package org.postern.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether Postern does what a parameter asks: every parameter Postern or Postfix knows is
 * {@link Level#SUPPORTED} (a daemon reads it; {@code ParameterCoverageTest} proves there is a
 * reader), {@link Level#UNSUPPORTED} (set to anything but Postfix's default, it is ignored with a
 * warning that names it) or {@link Level#REFUSED} (ignoring it would weaken security or lose
 * mail, so a setting other than the default stops {@code postern check} and start, saying why).
 *
 * <p>This class is the one list of what Postern does not do. Parameters only Postfix knows
 * ({@link PostfixParameters}) are unsupported unless listed here as refused; parameters of
 * Postern's typed registry are supported unless listed here; the per-transport parameters that a
 * master.cf entry adds say it themselves ({@link ServiceParameters}).
 */
public record ParameterSupport(Level level, String consequence) {

  /** How Postern answers a main.cf or master.cf setting of a parameter. */
  public enum Level { SUPPORTED, UNSUPPORTED, REFUSED }

  private static final ParameterSupport SUPPORTED = new ParameterSupport(Level.SUPPORTED, "");
  private static final ParameterSupport UNSUPPORTED =
      new ParameterSupport(Level.UNSUPPORTED, "setting ignored");

  private static final String LIMITS = "the limit would not be enforced";
  private static final String ROUTING = "mail would be delivered where this setting says it must not go";
  private static final String REWRITING = "addresses would leave unrewritten";
  private static final String TLS_TRUST = "server certificates would be checked against other trust anchors";
  private static final String WRAPPER = "the SMTP client would speak plaintext where TLS is required at once";
  private static final String UPSTREAM_PROXY =
      "postscreen would read the proxy's header as SMTP and screen every client by the proxy's address";

  /** Parameters whose setting stops the start, with what ignoring them would do. */
  private static final Map<String, String> REFUSED = refused();

  /** Parameters of Postern's typed registry that no daemon reads yet. */
  private static final Set<String> UNSUPPORTED_TYPED = Set.of(
      "biff", "bounce_template_file", "command_directory", "command_execution_directory",
      "daemon_directory", "daemon_timeout", "debug_peer_level", "debug_peer_list",
      "default_destination_concurrency_negative_feedback",
      "default_destination_concurrency_positive_feedback", "default_destination_rate_delay",
      "default_extra_recipient_limit", "default_recipient_limit", "disable_dns_lookups",
      "error_notice_recipient", "expand_owner_alias", "header_address_token_limit",
      "import_environment", "in_flow_delay", "ipc_idle", "ipc_timeout", "lmtp_assume_final",
      "lmtp_host_lookup", "lmtp_tls_loglevel", "local_header_rewrite_clients",
      "mailq_path", "masquerade_domains",
      "masquerade_exceptions", "max_idle", "max_use", "meta_directory",
      "newaliases_path", "permit_mx_backup_networks", "qmgr_fudge_factor", "sendmail_path",
      "setgid_group", "shlib_directory", "smtp_always_send_ehlo", "smtp_dns_resolver_options",
      "smtp_host_lookup", "smtp_never_send_ehlo", "smtp_pix_workarounds",
      "smtp_skip_5xx_greeting", "smtp_tls_loglevel", "smtp_tls_note_starttls_offer",
      "smtp_tls_scert_verifydepth", "smtp_tls_servername",
      "smtpd_authorized_xclient_hosts", "smtpd_client_port_logging",
      "smtpd_discard_ehlo_keyword_address_maps", "smtpd_error_sleep_time",
      "smtpd_etrn_restrictions", "smtpd_forbid_bare_newline_exclusions",
      "smtpd_forbid_bare_newline_reject_code", "smtpd_forbid_unauth_pipelining",
      "smtpd_sasl_local_domain",
      "strict_smtputf8", "tls_preempt_cipherlist", "tls_random_source", "transport_retry_time");

  /**
   * The postscreen(8) parameters Postern's postscreen does not implement (it has no tlsproxy, no
   * reply footers, no EHLO keyword filtering, no command filter and no queue limits): named here
   * so that none is silently ignored, even if it joins the typed registry for another reader.
   */
  private static final Set<String> POSTSCREEN_UNSUPPORTED = Set.of(
      "postscreen_allowlist_interfaces",
      "postscreen_command_filter", "postscreen_discard_ehlo_keyword_address_maps",
      "postscreen_discard_ehlo_keywords", "postscreen_enforce_tls", "postscreen_expansion_filter",
      "postscreen_forbidden_commands", "postscreen_post_queue_limit", "postscreen_pre_queue_limit",
      "postscreen_reject_footer", "postscreen_reject_footer_maps", "postscreen_starttls_timeout",
      "postscreen_tls_CAfile", "postscreen_tls_CApath", "postscreen_tls_always_issue_session_ids",
      "postscreen_tls_ask_ccert", "postscreen_tls_ccert_verifydepth", "postscreen_tls_cert_file",
      "postscreen_tls_chain_files", "postscreen_tls_ciphers", "postscreen_tls_dcert_file",
      "postscreen_tls_dh1024_param_file", "postscreen_tls_dh512_param_file",
      "postscreen_tls_dkey_file", "postscreen_tls_eccert_file", "postscreen_tls_eckey_file",
      "postscreen_tls_eecdh_grade", "postscreen_tls_enable_rpk", "postscreen_tls_exclude_ciphers",
      "postscreen_tls_fingerprint_digest", "postscreen_tls_key_file", "postscreen_tls_loglevel",
      "postscreen_tls_loglevel_maps", "postscreen_tls_mandatory_ciphers",
      "postscreen_tls_mandatory_exclude_ciphers", "postscreen_tls_mandatory_protocols",
      "postscreen_tls_protocols", "postscreen_tls_req_ccert", "postscreen_tls_security_level",
      "postscreen_tls_trace_size_limit", "postscreen_upstream_proxy_timeout",
      "postscreen_use_tls", "postscreen_watchdog_timeout", "dnsblog_reply_delay",
      "maps_rbl_domains");

  /**
   * Values of unsupported or refused parameters that ask for exactly what Postern does without
   * them (Debian's main.cf turns {@code biff} off): setting one is no warning.
   */
  private static final Map<String, String> INERT = Map.of("biff", "no");

  /** True when {@code value} of {@code name} asks for what Postern does anyway. */
  static boolean inert(String name, String value) {
    return value.strip().equals(INERT.get(name));
  }

  /** How Postern treats {@code name}; SUPPORTED for a name neither Postern nor Postfix knows. */
  public static ParameterSupport of(String name) {
    String why = REFUSED.get(name);
    if (why != null) {
      return new ParameterSupport(Level.REFUSED, why);
    }
    if (UNSUPPORTED_TYPED.contains(name) || POSTSCREEN_UNSUPPORTED.contains(name)) {
      return UNSUPPORTED;
    }
    if (Parameters.typed(name)) {
      return SUPPORTED;
    }
    return PostfixParameters.defaults().containsKey(name) ? UNSUPPORTED : SUPPORTED;
  }

  /** What a per-transport parameter that qmgr does not honour is ({@code ServiceParameters}). */
  static ParameterSupport unsupported() {
    return UNSUPPORTED;
  }

  /** Every parameter of the typed registry marked unsupported here, for the coverage test. */
  static Set<String> unsupportedTyped() {
    return UNSUPPORTED_TYPED;
  }

  private static Map<String, String> refused() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String n : List.of("queue_minfree", "smtpd_client_message_rate_limit",
        "smtpd_client_recipient_rate_limit", "smtpd_client_new_tls_session_rate_limit",
        "smtpd_client_auth_rate_limit", "smtpd_recipient_overshoot_limit")) {
      m.put(n, LIMITS);
    }
    for (String n : List.of("luser_relay", "mailbox_transport", "mailbox_transport_maps",
        "fallback_transport", "fallback_transport_maps", "mailbox_command_maps",
        "relocated_maps")) {
      m.put(n, ROUTING);
    }
    for (String n : List.of("smtp_generic_maps", "lmtp_generic_maps")) {
      m.put(n, REWRITING);
    }
    for (String n : List.of("smtp_tls_trust_anchor_file", "lmtp_tls_trust_anchor_file")) {
      m.put(n, TLS_TRUST);
    }
    for (String n : List.of("smtp_tls_wrappermode", "lmtp_tls_wrappermode")) {
      m.put(n, WRAPPER);
    }
    m.put("postscreen_upstream_proxy_protocol", UPSTREAM_PROXY);
    return Map.copyOf(m);
  }
}
