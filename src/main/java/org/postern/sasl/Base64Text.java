package org.postern.sasl;

import java.util.Base64;

/** Syntax checks for the base64 payloads smtpd passes between the client and the auth server. */
public final class Base64Text {
  private Base64Text() {}

  /**
   * RFC 4648 base64, padding optional as some clients omit it; the empty string is valid (an empty
   * payload). Nothing else can reach the auth server's tab-separated lines or a 334 reply.
   */
  public static boolean valid(String s) {
    if (!s.matches("[A-Za-z0-9+/]*={0,2}")) {
      return false;
    }
    try {
      Base64.getDecoder().decode(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
