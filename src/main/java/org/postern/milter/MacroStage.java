package org.postern.milter;

/**
 * The protocol stages that carry macros, with the SMFIM codes a milter uses to ask for its own
 * lists (SMFIR_SETSYMLIST). Unknown commands have no SMFIM code; Postfix sends their macros too.
 */
public enum MacroStage {
  CONNECT(0),
  HELO(1),
  MAIL(2),
  RCPT(3),
  DATA(4),
  EOM(5),
  EOH(6),
  UNKNOWN(-1);

  private final int code;

  MacroStage(int code) {
    this.code = code;
  }

  /** The stage for an SMFIM code, or null for a code this client does not know. */
  static MacroStage of(int code) {
    for (MacroStage s : values()) {
      if (s.code == code && code >= 0) {
        return s;
      }
    }
    return null;
  }
}
