package org.postern.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The registry of every parameter Postern reads, with the default text Postfix 3.11's
 * {@code postconf -d} prints. Two defaults are Postern's own: {@code syslog_name} ends in
 * {@code postern}, and {@code default_database_type} (so the alias defaults) is {@code lmdb}
 * because Berkeley DB is not available.
 *
 * <p>Defaults that Postfix computes at run time ({@link #COMPUTED}) have empty text here and are
 * filled in by {@link MainConfig}; {@code postern_home} and {@code mail_version} are read-only.
 */
public final class Parameters {
  /** Defaults computed from the host or the installation, not from this table. */
  static final Set<String> COMPUTED =
      Set.of("myhostname", "mydomain", "mynetworks", "config_directory", "postern_home", "mail_version");

  /** Values the operator cannot set. */
  static final Set<String> READ_ONLY = Set.of("postern_home", "mail_version");

  /** The default of {@code smtp_requiretls_policy}, on one line as {@code postconf -d} prints it. */
  static final String DEFAULT_SMTP_REQUIRETLS_POLICY =
      "inline:{{${domain_to_ascii{$mydomain}}=opportunistic}, {.${domain_to_ascii{$mydomain}}=opportunistic},"
          + " {localhost=opportunistic}}, cidr:{{0.0.0.0/0 opportunistic}, {::/0 opportunistic}}, enforce";

  private static final Map<String, ParameterSpec> ALL = index();

  private Parameters() {}

  /**
   * The spec of {@code name}: Postern's typed one, else, for a name only Postfix knows, its
   * Postfix 3.12 default ({@link PostfixParameters}), raw: no daemon of Postern reads it, so it is
   * neither expanded nor checked (some hold macros that only Postfix's daemons define).
   */
  public static Optional<ParameterSpec> spec(String name) {
    ParameterSpec typed = ALL.get(name);
    if (typed != null) {
      return Optional.of(typed);
    }
    String postfix = PostfixParameters.defaults().get(name);
    return postfix == null ? Optional.empty() : Optional.of(r(name, postfix));
  }

  /** True for a parameter of Postern's typed registry (not only known from Postfix's list). */
  public static boolean typed(String name) {
    return ALL.containsKey(name);
  }

  /** Every known parameter, Postern's and Postfix's, sorted by name. */
  public static List<ParameterSpec> all() {
    Map<String, ParameterSpec> m = new TreeMap<>(ALL);
    PostfixParameters.defaults().forEach((name, text) -> m.putIfAbsent(name, r(name, text)));
    return List.copyOf(m.values());
  }

  private static Map<String, ParameterSpec> index() {
    Map<String, ParameterSpec> m = new LinkedHashMap<>();
    Stream.of(core(), addressing(), notifications(), queueManager(), smtpServer(),
            ClientParameters.smtpClient(), ClientParameters.lmtpClient(), tls(), requireTls(), postscreen(), postern())
        .flatMap(List::stream)
        .forEach(spec -> {
          if (m.put(spec.name(), spec) != null) {
            throw new IllegalStateException("duplicate parameter in registry: " + spec.name());
          }
        });
    return Map.copyOf(m);
  }

  private static List<ParameterSpec> requireTls() {
    return List.of(
        b("requiretls_enable", "yes"),
        l("smtp_requiretls_policy", DEFAULT_SMTP_REQUIRETLS_POLICY),
        l("lmtp_requiretls_policy", "opportunistic"),
        b("requiretls_esmtp_header", "yes"),
        b("requiretls_redact_dsn", "yes"),
        // Postern's own: REQUIRETLS requested by policy (docs/requiretls.md).
        l("requiretls_request_maps", ""),
        b("tls_required_enable", "yes"),
        b("smtp_log_tls_feature_status", "yes"),
        b("lmtp_log_tls_feature_status", "yes"));
  }

  /** postscreen(8): the parameters Postern's postscreen reads (the others stay Postfix-only). */
  private static List<ParameterSpec> postscreen() {
    return List.of(
        l("postscreen_access_list", "permit_mynetworks"),
        s("postscreen_denylist_action",
            "${postscreen_blacklist_action?{$postscreen_blacklist_action}:{ignore}}"),
        l("postscreen_cache_map", "$default_cache_db_type:$data_directory/postscreen_cache"),
        t("postscreen_cache_retention_time", "7d", 'd'),
        t("postscreen_cache_cleanup_interval", "12h", 'h'),
        t("postscreen_command_time_limit", "${stress?{10}:{300}}s", 's'),
        i("postscreen_command_count_limit", "20"),
        i("postscreen_client_connection_count_limit", "$smtpd_client_connection_count_limit"),
        s("postscreen_greet_action", "ignore"),
        s("postscreen_greet_banner", "$smtpd_banner"),
        t("postscreen_greet_ttl", "1d", 'd'),
        t("postscreen_greet_wait", "${stress?{2}:{6}}s", 's'),
        b("postscreen_helo_required", "$smtpd_helo_required"),
        b("postscreen_disable_vrfy_command", "$disable_vrfy_command"),
        s("postscreen_dnsbl_action", "ignore"),
        // A signed number: the registry's INT type refuses negative values.
        s("postscreen_dnsbl_allowlist_threshold",
            "${postscreen_dnsbl_whitelist_threshold?{$postscreen_dnsbl_whitelist_threshold}:{0}}"),
        t("postscreen_dnsbl_max_ttl", "${postscreen_dnsbl_ttl?{$postscreen_dnsbl_ttl}:{1}}h", 'h'),
        t("postscreen_dnsbl_min_ttl", "60s", 's'),
        l("postscreen_dnsbl_reply_map", ""),
        l("postscreen_dnsbl_sites", ""),
        s("postscreen_dnsbl_threshold", "1"),
        t("postscreen_dnsbl_timeout", "10s", 's'),
        b("postscreen_pipelining_enable", "no"),
        s("postscreen_pipelining_action", "enforce"),
        t("postscreen_pipelining_ttl", "30d", 'd'),
        b("postscreen_non_smtp_command_enable", "no"),
        s("postscreen_non_smtp_command_action", "drop"),
        t("postscreen_non_smtp_command_ttl", "30d", 'd'),
        b("postscreen_bare_newline_enable", "no"),
        s("postscreen_bare_newline_action", "ignore"),
        t("postscreen_bare_newline_ttl", "30d", 'd'),
        s("smtpd_service_name", "smtpd"));
  }

  private static List<ParameterSpec> postern() {
    return List.of(s("postern_home", ""), s("mail_version", ""));
  }

  private static List<ParameterSpec> core() {
    return List.of(
        s("compatibility_level", "3.11"),
        s("config_directory", ""),
        s("mail_name", "Postern"),
        s("mail_owner", "postfix"),
        s("setgid_group", "postdrop"),
        s("myhostname", ""),
        s("mydomain", ""),
        s("myorigin", "$myhostname"),
        l("mydestination", "$myhostname, localhost.$mydomain, localhost"),
        l("mynetworks", ""),
        s("mynetworks_style", "${{$compatibility_level} <level {2} ? {subnet} : {host}}"),
        l("inet_interfaces", "all"),
        l("inet_protocols", "all"),
        l("proxy_interfaces", ""),
        l("relay_domains", "${{$compatibility_level} <level {2} ? {$mydestination} : {}}"),
        s("relayhost", ""),
        l("sender_dependent_relayhost_maps", ""),
        s("empty_address_relayhost_maps_lookup_key", "<>"),
        s("multi_instance_name", ""),
        l("multi_instance_directories", ""),
        b("multi_instance_enable", "no"),
        s("multi_instance_wrapper", ""),
        s("stress", ""),
        s("queue_directory", "/var/spool/postfix"),
        s("data_directory", "/var/lib/postfix"),
        s("command_directory", "/usr/sbin"),
        s("daemon_directory", "/usr/libexec/postfix"),
        s("meta_directory", "/etc/postfix"),
        s("shlib_directory", "/usr/lib/postfix"),
        s("process_id_directory", "pid"),
        s("sendmail_path", "/usr/sbin/sendmail"),
        s("newaliases_path", "/usr/bin/newaliases"),
        s("mailq_path", "/usr/bin/mailq"),
        s("maillog_file", ""),
        l("maillog_file_prefixes", "/var, /dev/stdout"),
        s("syslog_name", "${multi_instance_name?{$multi_instance_name}:{postern}}"),
        s("syslog_facility", "mail"),
        i("delay_logging_resolution_limit", "2"),
        s("default_database_type", "lmdb"),
        i("default_process_limit", "100"),
        t("max_idle", "100s", 's'),
        i("max_use", "100"),
        t("ipc_timeout", "3600s", 's'),
        t("ipc_idle", "5s", 's'),
        t("daemon_timeout", "18000s", 's'),
        t("in_flow_delay", "1s", 's'),
        b("disable_dns_lookups", "no"),
        b("smtputf8_enable", "${{$compatibility_level} <level {1} ? {no} : {yes}}"),
        l("smtputf8_autodetect_classes", "sendmail, verify"),
        b("strict_smtputf8", "no"),
        b("soft_bounce", "no"),
        l("notify_classes", "resource, software"),
        i("line_length_limit", "2048"),
        i("hopcount_limit", "50"),
        i("header_size_limit", "102400"),
        s("non_empty_end_of_header_action", "fix_quietly"),
        z("message_size_limit", "10240000"),
        i("header_address_token_limit", "10240"),
        i("duplicate_filter_limit", "1000"),
        t("anvil_rate_time_unit", "60s", 's'),
        z("queue_minfree", "0"),
        l("debug_peer_list", ""),
        i("debug_peer_level", "2"));
  }

  private static List<ParameterSpec> addressing() {
    return List.of(
        l("alias_maps", "$default_database_type:/etc/aliases"),
        l("alias_database", "$default_database_type:/etc/aliases"),
        s("home_mailbox", ""),
        s("mail_spool_directory", "/var/mail"),
        r("mailbox_command", ""),
        l("mailbox_command_maps", ""),
        s("mailbox_transport", ""),
        l("mailbox_transport_maps", ""),
        z("mailbox_size_limit", "51200000"),
        l("mailbox_delivery_lock", "fcntl, dotlock"),
        s("fallback_transport", ""),
        l("fallback_transport_maps", ""),
        r("luser_relay", ""),
        r("forward_path", "$home/.forward${recipient_delimiter}${extension}, $home/.forward"),
        l("allow_mail_to_commands", "alias, forward"),
        l("allow_mail_to_files", "alias, forward"),
        s("local_command_shell", ""),
        s("default_privs", "nobody"),
        t("command_time_limit", "1000s", 's'),
        l("prepend_delivered_header", "command, file, forward"),
        r("command_expansion_filter", "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        r("forward_expansion_filter", "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        r("command_execution_directory", ""),
        l("export_environment", "TZ MAIL_CONFIG LANG"),
        l("import_environment", "MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ XAUTHORITY DISPLAY LANG=C POSTLOG_SERVICE POSTLOG_HOSTNAME XDG_RUNTIME_DIR"),
        b("biff", "yes"),
        i("deliver_lock_attempts", "20"),
        t("deliver_lock_delay", "1s", 's'),
        t("stale_lock_time", "500s", 's'),
        b("strict_mailbox_ownership", "yes"),
        b("show_user_unknown_table_name", "yes"),
        l("local_recipient_maps", "proxy:unix:passwd.byname $alias_maps"),
        i("unknown_local_recipient_reject_code", "550"),
        l("local_header_rewrite_clients", "permit_inet_interfaces"),
        s("local_transport", "local:$myhostname"),
        s("virtual_transport", "virtual"),
        s("relay_transport", "relay"),
        s("default_transport", "smtp"),
        l("sender_dependent_default_transport_maps", ""),
        s("empty_address_default_transport_maps_lookup_key", "<>"),
        l("transport_maps", ""),
        s("content_filter", ""),
        l("fallback_relay", ""),
        l("relocated_maps", ""),
        l("virtual_maps", ""),
        l("virtual_alias_maps", "$virtual_maps"),
        l("virtual_alias_domains", "$virtual_alias_maps"),
        i("virtual_alias_recursion_limit", "1000"),
        i("virtual_alias_expansion_limit", "1000"),
        l("virtual_mailbox_domains", "$virtual_mailbox_maps"),
        l("virtual_mailbox_maps", ""),
        s("virtual_mailbox_base", ""),
        z("virtual_mailbox_limit", "51200000"),
        i("virtual_minimum_uid", "100"),
        l("virtual_uid_maps", ""),
        l("virtual_gid_maps", ""),
        l("virtual_mailbox_lock", "fcntl, dotlock"),
        l("canonical_maps", ""),
        l("sender_canonical_maps", ""),
        l("recipient_canonical_maps", ""),
        s("cleanup_service_name", "cleanup"),
        l("masquerade_domains", ""),
        l("masquerade_exceptions", ""),
        l("propagate_unmatched_extensions", "canonical, virtual"),
        l("header_checks", ""),
        l("body_checks", ""),
        s("always_bcc", ""),
        l("sender_bcc_maps", ""),
        l("recipient_bcc_maps", ""),
        s("recipient_delimiter", ""),
        b("append_dot_mydomain", "${{$compatibility_level} <level {1} ? {yes} : {no}}"),
        b("allow_percent_hack", "yes"),
        b("swap_bangpath", "yes"),
        b("append_at_myorigin", "yes"),
        b("resolve_dequoted_address", "yes"),
        b("resolve_null_domain", "no"),
        b("resolve_numeric_domain", "no"),
        b("allow_min_user", "no"),
        b("owner_request_special", "yes"),
        b("expand_owner_alias", "no"),
        l("relay_recipient_maps", ""),
        b("allow_untrusted_routing", "no"),
        b("always_add_missing_headers", "no"),
        s("header_from_format", "standard"),
        l("message_drop_headers", "bcc, content-length, resent-bcc, return-path"),
        i("body_checks_size_limit", "51200"),
        b("enable_original_recipient", "yes"),
        l("receive_override_options", ""),
        s("undisclosed_recipients_header", ""),
        l("parent_domain_matches_subdomains", "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,qmqpd_authorized_clients,relay_domains,smtpd_access_maps"));
  }

  private static List<ParameterSpec> notifications() {
    return List.of(
        i("bounce_size_limit", "50000"),
        s("bounce_notice_recipient", "postmaster"),
        s("2bounce_notice_recipient", "postmaster"),
        s("delay_notice_recipient", "postmaster"),
        s("error_notice_recipient", "postmaster"),
        s("double_bounce_sender", "double-bounce"),
        s("empty_address_recipient", "MAILER-DAEMON"),
        s("bounce_template_file", ""));
  }

  private static List<ParameterSpec> queueManager() {
    return List.of(
        i("qmgr_message_active_limit", "20000"),
        i("qmgr_message_recipient_limit", "20000"),
        i("qmgr_fudge_factor", "100"),
        i("default_destination_concurrency_limit", "20"),
        i("initial_destination_concurrency", "5"),
        i("default_destination_recipient_limit", "50"),
        t("default_destination_rate_delay", "0s", 's'),
        i("default_destination_concurrency_failed_cohort_limit", "1"),
        s("default_destination_concurrency_positive_feedback", "1"),
        s("default_destination_concurrency_negative_feedback", "1"),
        i("default_extra_recipient_limit", "1000"),
        i("default_recipient_limit", "20000"),
        i("local_destination_concurrency_limit", "2"),
        i("local_destination_recipient_limit", "1"),
        t("queue_run_delay", "300s", 's'),
        t("minimal_backoff_time", "300s", 's'),
        t("maximal_backoff_time", "4000s", 's'),
        t("maximal_queue_lifetime", "5d", 'd'),
        t("bounce_queue_lifetime", "5d", 'd'),
        t("delay_warning_time", "0h", 'h'),
        t("transport_retry_time", "60s", 's'),
        l("defer_transports", ""));
  }

  private static List<ParameterSpec> smtpServer() {
    return List.of(
        s("smtpd_banner", "$myhostname ESMTP $mail_name"),
        t("smtpd_timeout", "${stress?{10}:{300}}s", 's'),
        t("smtpd_starttls_timeout", "${stress?{10}:{300}}s", 's'),
        i("smtpd_recipient_limit", "1000"),
        i("smtpd_soft_error_limit", "10"),
        i("smtpd_hard_error_limit", "${stress?{1}:{20}}"),
        t("smtpd_error_sleep_time", "1s", 's'),
        i("smtpd_junk_command_limit", "${stress?{1}:{100}}"),
        l("smtpd_client_restrictions", ""),
        l("smtpd_helo_restrictions", ""),
        l("smtpd_sender_restrictions", ""),
        l("smtpd_relay_restrictions", "${{$compatibility_level} <level {1} ? {} : {permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination}}"),
        l("smtpd_recipient_restrictions", ""),
        l("smtpd_data_restrictions", ""),
        l("smtpd_end_of_data_restrictions", ""),
        l("smtpd_etrn_restrictions", ""),
        t("smtpd_policy_service_timeout", "100s", 's'),
        t("smtpd_policy_service_max_idle", "300s", 's'),
        t("smtpd_policy_service_max_ttl", "1000s", 's'),
        i("smtpd_policy_service_request_limit", "0"),
        i("smtpd_policy_service_try_limit", "2"),
        t("smtpd_policy_service_retry_delay", "1s", 's'),
        s("smtpd_policy_service_default_action", "451 4.3.5 Server configuration problem"),
        s("smtpd_policy_service_policy_context", ""),
        l("smtpd_restriction_classes", ""),
        b("smtpd_helo_required", "no"),
        b("smtpd_delay_reject", "yes"),
        b("smtpd_reject_unlisted_recipient", "yes"),
        b("smtpd_reject_unlisted_sender", "no"),
        b("smtpd_relay_before_recipient_restrictions", "${{$compatibility_level} <level {3.6} ? {no} : {yes}}"),
        s("smtpd_null_access_lookup_key", "<>"),
        b("smtpd_forbid_unauth_pipelining", "yes"),
        l("smtpd_discard_ehlo_keywords", ""),
        l("smtpd_discard_ehlo_keyword_address_maps", ""),
        i("smtpd_client_connection_count_limit", "50"),
        i("smtpd_client_connection_rate_limit", "0"),
        i("smtpd_client_message_rate_limit", "0"),
        i("smtpd_client_recipient_rate_limit", "0"),
        l("smtpd_client_event_limit_exceptions", "${smtpd_client_connection_limit_exceptions:$mynetworks}"),
        s("smtpd_proxy_filter", ""),
        t("smtpd_proxy_timeout", "100s", 's'),
        s("smtpd_upstream_proxy_protocol", ""),
        t("smtpd_upstream_proxy_timeout", "5s", 's'),
        s("smtpd_proxy_ehlo", "$myhostname"),
        l("smtpd_proxy_options", ""),
        b("smtpd_peername_lookup", "yes"),
        b("smtpd_client_port_logging", "no"),
        l("smtpd_authorized_xclient_hosts", ""),
        b("smtpd_sasl_auth_enable", "no"),
        s("smtpd_sasl_type", "cyrus"),
        s("smtpd_sasl_path", "smtpd"),
        s("smtpd_sasl_service", "smtp"),
        l("smtpd_sasl_security_options", "noanonymous"),
        l("smtpd_sasl_tls_security_options", "$smtpd_sasl_security_options"),
        b("smtpd_sasl_authenticated_header", "no"),
        s("smtpd_sasl_local_domain", ""),
        b("broken_sasl_auth_clients", "no"),
        i("smtpd_sasl_response_limit", "12288"),
        l("smtpd_sender_login_maps", ""),
        r("smtpd_reject_footer", ""),
        l("smtpd_reject_footer_maps", ""),
        r("smtpd_expansion_filter", "\\t\\40!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"),
        s("smtpd_forbid_bare_newline", "normalize"),
        l("smtpd_forbid_bare_newline_exclusions", "$mynetworks"),
        i("smtpd_forbid_bare_newline_reject_code", "550"),
        l("smtpd_milters", ""),
        l("non_smtpd_milters", ""),
        s("milter_default_action", "shutdown"),
        s("milter_protocol", "6"),
        t("milter_connect_timeout", "30s", 's'),
        t("milter_command_timeout", "30s", 's'),
        t("milter_content_timeout", "300s", 's'),
        r("milter_connect_macros", "j {daemon_name} {daemon_addr} v _"),
        r("milter_helo_macros", "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}"),
        r("milter_mail_macros",
            "i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer}"),
        r("milter_rcpt_macros", "i {rcpt_addr} {rcpt_host} {rcpt_mailer}"),
        r("milter_data_macros", "i"),
        r("milter_unknown_command_macros", ""),
        r("milter_end_of_header_macros", "i"),
        r("milter_end_of_data_macros", "i"),
        s("milter_macro_daemon_name", "$myhostname"),
        s("milter_macro_v", "$mail_name $mail_version"),
        l("milter_header_checks", ""),
        r("milter_macro_defaults", ""),
        l("smtpd_milter_maps", ""),
        s("smtpd_tls_security_level", ""),
        s("smtpd_tls_cert_file", ""),
        s("smtpd_tls_key_file", "$smtpd_tls_cert_file"),
        l("smtpd_tls_chain_files", ""),
        s("smtpd_tls_CAfile", ""),
        s("smtpd_tls_CApath", ""),
        b("smtpd_tls_wrappermode", "no"),
        b("smtpd_tls_auth_only", "no"),
        i("smtpd_tls_loglevel", "0"),
        b("smtpd_tls_received_header", "no"),
        b("smtpd_tls_ask_ccert", "no"),
        b("smtpd_tls_req_ccert", "no"),
        s("smtpd_tls_fingerprint_digest", "${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}"),
        l("relay_clientcerts", ""),
        l("smtpd_tls_protocols", ">=TLSv1"),
        l("smtpd_tls_mandatory_protocols", ">=TLSv1"),
        s("smtpd_tls_ciphers", "medium"),
        s("smtpd_tls_mandatory_ciphers", "medium"),
        l("smtpd_tls_exclude_ciphers", ""),
        l("smtpd_tls_mandatory_exclude_ciphers", ""),
        b("disable_vrfy_command", "no"),
        l("permit_mx_backup_networks", ""),
        i("unverified_recipient_reject_code", "450"),
        i("unverified_recipient_defer_code", "450"),
        s("unverified_recipient_reject_reason", ""),
        s("unverified_recipient_tempfail_action", "$reject_tempfail_action"),
        i("unverified_sender_reject_code", "450"),
        i("unverified_sender_defer_code", "450"),
        s("unverified_sender_reject_reason", ""),
        s("unverified_sender_tempfail_action", "$reject_tempfail_action"),
        s("address_verify_service_name", "verify"),
        i("address_verify_poll_count", "${stress?{1}:{3}}"),
        t("address_verify_poll_delay", "3s", 's'),
        s("address_verify_map", "$default_cache_db_type:$data_directory/verify_cache"),
        s("address_verify_sender", "$double_bounce_sender"),
        t("address_verify_sender_ttl", "0s", 's'),
        t("address_verify_positive_expire_time", "31d", 'd'),
        t("address_verify_positive_refresh_time", "7d", 'd'),
        b("address_verify_negative_cache", "yes"),
        t("address_verify_negative_expire_time", "3d", 'd'),
        t("address_verify_negative_refresh_time", "3h", 'h'),
        t("address_verify_cache_cleanup_interval", "12h", 'h'),
        l("address_verify_transport_maps", "$transport_maps"),
        s("address_verify_relayhost", "$relayhost"),
        s("address_verify_local_transport", "$local_transport"),
        s("address_verify_virtual_transport", "$virtual_transport"),
        s("address_verify_relay_transport", "$relay_transport"),
        s("address_verify_default_transport", "$default_transport"),
        i("unknown_address_reject_code", "450"),
        i("relay_domains_reject_code", "554"),
        i("maps_rbl_reject_code", "554"),
        r("default_rbl_reply", "$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using"
            + " $rbl_domain${rbl_reason?; $rbl_reason}"),
        l("rbl_reply_maps", ""),
        i("reject_code", "554"),
        i("access_map_reject_code", "554"),
        i("access_map_defer_code", "450"),
        i("defer_code", "450"),
        i("unknown_client_reject_code", "450"),
        i("unknown_hostname_reject_code", "450"),
        s("unknown_helo_hostname_tempfail_action", "$reject_tempfail_action"),
        s("unknown_address_tempfail_action", "$reject_tempfail_action"),
        i("invalid_hostname_reject_code", "501"),
        i("non_fqdn_reject_code", "504"),
        i("unknown_relay_recipient_reject_code", "550"),
        i("unknown_virtual_alias_reject_code", "550"),
        i("unknown_virtual_mailbox_reject_code", "550"));
  }

  private static List<ParameterSpec> tls() {
    return List.of(
        s("tls_high_cipherlist",
            "aNULL:-aNULL:HIGH:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:@STRENGTH"),
        s("tls_medium_cipherlist", "aNULL:-aNULL:HIGH:MEDIUM:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5"
            + ":!kDH:!kECDH:!aDSS:!MD5:+RC4:@STRENGTH"),
        s("tls_null_cipherlist", "eNULL:!kDH:!kECDH:!aDSS:!MD5:!aNULL"),
        b("tls_preempt_cipherlist", "no"),
        s("tls_random_source", "dev:/dev/urandom"));
  }

  static ParameterSpec s(String name, String text) {
    return new ParameterSpec(name, text, ParameterType.STRING, 's');
  }

  static ParameterSpec l(String name, String text) {
    return new ParameterSpec(name, text, ParameterType.LIST, 's');
  }

  static ParameterSpec r(String name, String text) {
    return new ParameterSpec(name, text, ParameterType.RAW, 's');
  }

  static ParameterSpec b(String name, String text) {
    return new ParameterSpec(name, text, ParameterType.BOOLEAN, 's');
  }

  static ParameterSpec i(String name, String text) {
    return new ParameterSpec(name, text, ParameterType.INT, 's');
  }

  static ParameterSpec z(String name, String text) {
    return new ParameterSpec(name, text, ParameterType.SIZE, 's');
  }

  static ParameterSpec t(String name, String text, char unit) {
    return new ParameterSpec(name, text, ParameterType.TIME, unit);
  }
}
