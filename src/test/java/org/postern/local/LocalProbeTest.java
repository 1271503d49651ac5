package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.queue.ClientFacts;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.Recipient;
import org.postern.queue.TraceFlags;

/**
 * Address probes at local(8): nothing is written, run or forwarded; each target says where it
 * would deliver in Postfix's words, and unknown users bounce as for mail.
 */
class LocalProbeTest {
  private static final String MESSAGE = "Subject: probe\r\n\r\n";

  @TempDir Path tmp;
  private LocalFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new LocalFixture(tmp);
  }

  private DeliveryRequest probe(int flags, String recipient) throws Exception {
    Envelope e = new Envelope("double-bounce@mx.example.org", List.of(Recipient.of(recipient)),
        Optional.empty(), Optional.empty(), false, false, Optional.empty(), ClientFacts.NONE,
        Map.of(TraceFlags.ATTRIBUTE, Integer.toString(flags)));
    return f.request(e, MESSAGE, ExtractedEnvelope.NONE);
  }

  @Test
  void deliver_probeToMaildirUser_saysDeliversToMaildirAndWritesNothing() throws Exception {
    f.parameters.put("home_mailbox", "Maildir/");

    RecipientResult r = f.deliverOne(probe(TraceFlags.MTA_VERIFY, "alice@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(r.text()).isEqualTo("delivers to maildir");
    assertThat(f.home("alice").resolve("Maildir")).doesNotExist();
  }

  @Test
  void deliver_verifyProbeToAlias_stopsAtTheAlias() throws Exception {
    f.aliases("staff alice, bob@elsewhere.example");

    RecipientResult r = f.deliverOne(probe(TraceFlags.MTA_VERIFY, "staff@mx.example.org"));

    assertThat(r.text()).isEqualTo("aliased to alice, bob@elsewhere.example");
    assertThat(f.submitter.submissions).isEmpty();
  }

  @Test
  void deliver_userProbeToAlias_expandsWithoutForwarding() throws Exception {
    f.aliases("staff alice, bob@elsewhere.example, \"|/bin/cat\"");

    RecipientResult r = f.deliverOne(probe(TraceFlags.USER_VERIFY, "staff@mx.example.org"));

    assertThat(r.text()).isEqualTo(
        "forwards to alice, forwards to bob@elsewhere.example, delivers to command: /bin/cat");
    assertThat(f.submitter.submissions).isEmpty();
  }

  @Test
  void deliver_probeToUnknownUser_bounces() throws Exception {
    RecipientResult r = f.deliverOne(probe(TraceFlags.MTA_VERIFY, "ghost@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.BOUNCED);
    assertThat(r.text()).isEqualTo("unknown user: \"ghost\"");
  }
}
