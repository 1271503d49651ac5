package org.postern.milter;

import java.util.Objects;

/**
 * What the milters decided at one stage: carry on, discard the message (reporting success), put
 * it on hold (quarantine), or refuse with an SMTP reply. A 421 reply means the SMTP session ends.
 */
public sealed interface Verdict {
  Verdict CONTINUE = new Continue();

  /** No objection (continue, accept, or a failure under {@code default_action = accept}). */
  record Continue() implements Verdict {}

  /** Accept and throw away (SMFIR_DISCARD). */
  record Discard() implements Verdict {}

  /** Quarantine: the message goes to the hold queue; {@code reason} is logged. */
  record Hold(String reason) implements Verdict {
    public Hold {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Reject, tempfail, a milter's own reply, or a default_action reply. */
  record Refuse(MilterReply reply) implements Verdict {
    public Refuse {
      Objects.requireNonNull(reply, "reply");
    }
  }
}
