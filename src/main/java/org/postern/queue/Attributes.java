package org.postern.queue;

import java.util.Set;

/** The names of the named attributes that map to fields of {@link Envelope}. */
final class Attributes {
  static final String CLIENT_NAME = "client_name";
  static final String CLIENT_ADDRESS = "client_address";
  static final String HELO_NAME = "helo_name";
  static final String PROTOCOL_NAME = "protocol_name";
  static final String TLS_PROTOCOL = "tls_protocol";
  static final String TLS_CIPHER = "tls_cipher";
  static final String DSN_ENVID = "dsn_envid";
  static final String DSN_RET = "dsn_ret";
  static final String BODY_TYPE = "body_type";

  private static final Set<String> BUILT_IN =
      Set.of(
          CLIENT_NAME,
          CLIENT_ADDRESS,
          HELO_NAME,
          PROTOCOL_NAME,
          TLS_PROTOCOL,
          TLS_CIPHER,
          DSN_ENVID,
          DSN_RET,
          BODY_TYPE);

  private Attributes() {}

  static boolean isBuiltIn(String name) {
    return BUILT_IN.contains(name);
  }
}
