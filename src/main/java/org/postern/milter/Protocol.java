package org.postern.milter;

import java.util.Locale;

/**
 * The Sendmail 8 milter protocol's numbers: command and reply letters, action flags (what a milter
 * may change), protocol flags (events not to send, replies not to expect), and the events each
 * protocol version defines.
 */
final class Protocol {
  private Protocol() {}

  // MTA commands.
  static final char ABORT = 'A';
  static final char BODY = 'B';
  static final char CONNECT = 'C';
  static final char MACRO = 'D';
  static final char BODYEOB = 'E';
  static final char HELO = 'H';
  static final char HEADER = 'L';
  static final char MAIL = 'M';
  static final char EOH = 'N';
  static final char OPTNEG = 'O';
  static final char QUIT = 'Q';
  static final char RCPT = 'R';
  static final char DATA = 'T';
  static final char UNKNOWN = 'U';

  // Milter replies.
  static final char ADDRCPT = '+';
  static final char DELRCPT = '-';
  static final char ADDRCPT_PAR = '2';
  static final char SHUTDOWN = '4';
  static final char ACCEPT = 'a';
  static final char REPLBODY = 'b';
  static final char CONTINUE = 'c';
  static final char DISCARD = 'd';
  static final char CHGFROM = 'e';
  static final char CONN_FAIL = 'f';
  static final char ADDHEADER = 'h';
  static final char INSHEADER = 'i';
  static final char CHGHEADER = 'm';
  static final char PROGRESS = 'p';
  static final char QUARANTINE = 'q';
  static final char REJECT = 'r';
  static final char SKIP = 's';
  static final char TEMPFAIL = 't';
  static final char REPLYCODE = 'y';

  // Actions the MTA allows (all of them, as Postfix).
  static final int ACTIONS = 0x1ff;

  // Protocol flags.
  static final int NOCONNECT = 1;
  static final int NOHELO = 1 << 1;
  static final int NOMAIL = 1 << 2;
  static final int NORCPT = 1 << 3;
  static final int NOBODY = 1 << 4;
  static final int NOHDRS = 1 << 5;
  static final int NOEOH = 1 << 6;
  static final int NR_HDR = 1 << 7;
  static final int NOUNKNOWN = 1 << 8;
  static final int NODATA = 1 << 9;
  static final int SKIP_SUPPORTED = 1 << 10;
  static final int RCPT_REJ = 1 << 11;
  static final int NR_CONN = 1 << 12;
  static final int NR_HELO = 1 << 13;
  static final int NR_MAIL = 1 << 14;
  static final int NR_RCPT = 1 << 15;
  static final int NR_DATA = 1 << 16;
  static final int NR_UNKN = 1 << 17;
  static final int NR_EOH = 1 << 18;
  static final int NR_BODY = 1 << 19;
  static final int HDR_LEADSPC = 1 << 20;

  static final int NOSEND_MASK =
      NOCONNECT | NOHELO | NOMAIL | NORCPT | NOBODY | NOHDRS | NOEOH | NOUNKNOWN | NODATA;
  static final int NOREPLY_MASK =
      NR_CONN | NR_HELO | NR_MAIL | NR_RCPT | NR_DATA | NR_UNKN | NR_HDR | NR_EOH | NR_BODY;

  static final int V2_EVENTS = NOCONNECT | NOHELO | NOMAIL | NORCPT | NOBODY | NOHDRS | NOEOH;
  static final int V3_EVENTS = V2_EVENTS | NOUNKNOWN;
  static final int V4_EVENTS = V3_EVENTS | NODATA;
  static final int V6_EVENTS =
      V4_EVENTS | SKIP_SUPPORTED | RCPT_REJ | NOREPLY_MASK | HDR_LEADSPC;

  /** The largest body chunk sent. */
  static final int CHUNK_SIZE = 65535;

  /** The events a protocol version defines; 0 for an unknown version. */
  static int events(int version) {
    return switch (version) {
      case 2 -> V2_EVENTS;
      case 3 -> V3_EVENTS;
      case 4, 5 -> V4_EVENTS;
      default -> version >= 6 ? V6_EVENTS : 0;
    };
  }

  /**
   * {@code milter_protocol}: one version (2, 3, 4 or 6) and optionally {@code no_header_reply};
   * returns {version, event mask}.
   */
  static int[] parseSetting(String setting) {
    int version = 0;
    int events = 0;
    for (String word : setting.toLowerCase(Locale.ROOT).split("[\\s,]+")) {
      if (word.isEmpty()) {
        continue;
      }
      switch (word) {
        case "2", "3", "4", "6" -> {
          if (version != 0) {
            throw new IllegalArgumentException("bad protocol information: " + word);
          }
          version = Integer.parseInt(word);
          events |= events(version);
        }
        case "no_header_reply" -> events |= NR_HDR;
        default -> throw new IllegalArgumentException("bad protocol information: " + word);
      }
    }
    if (version == 0) {
      throw new IllegalArgumentException("no protocol version information");
    }
    return new int[] {version, events};
  }
}
