package org.postern.smtp;

/** The client's protocol, which also picks the {@code smtp_*} or {@code lmtp_*} parameters. */
public enum Protocol {
  SMTP("smtp", "EHLO", "smtp_helo_timeout", "smtp_helo_name"),
  LMTP("lmtp", "LHLO", "lmtp_lhlo_timeout", "lmtp_lhlo_name");

  private final String prefix;
  private final String greetingCommand;
  private final String heloTimeout;
  private final String heloName;

  Protocol(String prefix, String greetingCommand, String heloTimeout, String heloName) {
    this.prefix = prefix;
    this.greetingCommand = greetingCommand;
    this.heloTimeout = heloTimeout;
    this.heloName = heloName;
  }

  /** {@code smtp} or {@code lmtp}: the parameter prefix and the DSN diagnostic type. */
  public String prefix() {
    return prefix;
  }

  String greetingCommand() {
    return greetingCommand;
  }

  /** {@code smtp_name} or {@code lmtp_name}. */
  String parameter(String suffix) {
    return prefix + "_" + suffix;
  }

  String heloTimeoutParameter() {
    return heloTimeout;
  }

  String heloNameParameter() {
    return heloName;
  }
}
