package org.postern.cleanup;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postern.config.MainConfig;
import org.postern.util.ParameterList;

/**
 * The main.cf values cleanup uses, read once when the service is built. Parameters the
 * configuration registry does not (yet) know fall back to Postfix's defaults here, so that an
 * operator's main.cf setting still wins when present.
 */
record CleanupSettings(
    String myhostname,
    String myorigin,
    Set<String> mydestination,
    String recipientDelimiter,
    boolean propagateCanonicalExtension,
    boolean propagateVirtualExtension,
    int virtualAliasRecursionLimit,
    int virtualAliasExpansionLimit,
    int duplicateFilterLimit,
    boolean enableOriginalRecipient,
    int headerSizeLimit,
    int lineLengthLimit,
    int hopcountLimit,
    long messageSizeLimit,
    long bodyChecksSizeLimit,
    boolean alwaysAddMissingHeaders,
    boolean obsoleteHeaderFromFormat,
    Set<String> messageDropHeaders,
    String undisclosedRecipientsHeader,
    boolean requireTlsEsmtpHeader,
    boolean tlsRequiredEnable,
    boolean smtputf8Enable,
    Set<String> smtputf8AutodetectClasses,
    String alwaysBcc,
    boolean noAddressMappings,
    boolean noHeaderBodyChecks,
    NonEmptyEndOfHeaderAction nonEmptyEndOfHeaderAction) {

  static CleanupSettings from(MainConfig c) {
    Set<String> propagate = lowerSet(c.getList("propagate_unmatched_extensions"));
    Set<String> overrides = lowerSet(list(c, "receive_override_options", ""));
    return new CleanupSettings(
        c.get("myhostname"),
        c.get("myorigin"),
        lowerSet(c.getList("mydestination")),
        c.get("recipient_delimiter"),
        propagate.contains("canonical"),
        propagate.contains("virtual"),
        c.getInt("virtual_alias_recursion_limit"),
        c.getInt("virtual_alias_expansion_limit"),
        c.getInt("duplicate_filter_limit"),
        bool(c, "enable_original_recipient", "yes"),
        c.getInt("header_size_limit"),
        c.getInt("line_length_limit"),
        c.getInt("hopcount_limit"),
        c.getSize("message_size_limit"),
        Long.parseLong(value(c, "body_checks_size_limit", "51200").strip()),
        bool(c, "always_add_missing_headers", "no"),
        value(c, "header_from_format", "standard").strip().equalsIgnoreCase("obsolete"),
        lowerSet(list(c, "message_drop_headers", "bcc, content-length, resent-bcc, return-path")),
        value(c, "undisclosed_recipients_header", ""),
        c.getBoolean("requiretls_esmtp_header"),
        c.getBoolean("tls_required_enable"),
        c.getBoolean("smtputf8_enable"),
        lowerSet(c.getList("smtputf8_autodetect_classes")),
        c.get("always_bcc").strip(),
        overrides.contains("no_address_mappings"),
        overrides.contains("no_header_body_checks"),
        NonEmptyEndOfHeaderAction.parse(c.get("non_empty_end_of_header_action")));
  }

  /** Whether SMTPUTF8 is detected automatically for mail of this origin class. */
  boolean autodetectSmtputf8(CleanupOrigin.SourceClass source) {
    return smtputf8Enable
        && (smtputf8AutodetectClasses.contains(source.className())
            || smtputf8AutodetectClasses.contains("all"));
  }

  private static String value(MainConfig c, String name, String postfixDefault) {
    return c.raw(name) == null ? postfixDefault : c.get(name);
  }

  private static boolean bool(MainConfig c, String name, String postfixDefault) {
    String v = value(c, name, postfixDefault).strip();
    return v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("true");
  }

  private static List<String> list(MainConfig c, String name, String postfixDefault) {
    return c.raw(name) == null
        ? ParameterList.split(postfixDefault)
        : c.getList(name);
  }

  private static Set<String> lowerSet(List<String> items) {
    Set<String> s = new HashSet<>();
    items.forEach(i -> s.add(i.toLowerCase(Locale.ROOT)));
    return Set.copyOf(s);
  }
}
