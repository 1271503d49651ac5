package org.postern.milter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The content stages for one milter: each header (SMFIC_HEADER), end of headers (SMFIC_EOH), the
 * body in chunks of at most 65535 bytes with CRLF line ends (SMFIC_BODY), end of message
 * (SMFIC_BODYEOB); then the end-of-message replies, modification requests first.
 *
 * <p>Failure: a modification request with bad data (a header index below 1, an empty header
 * name, an unfolded header value), a body replacement interleaved with other requests or larger
 * than the body limit, more than 64 MiB of other edits, is a configuration error; more than
 * {@link Milter#MAX_PACKETS_PER_EVENT} replies without a decision a communication error. When the connection is lost, or the milter
 * misbehaves, while a body replacement is in progress, the verdict is at least {@code 421 4.7.0}:
 * the unreplaced body is never accepted (Postfix 3.12, HISTORY 20260821), whatever {@code
 * default_action} says.
 */
final class MessageSender {
  /** The most bytes of edit requests (a body replacement aside) one message may bring. */
  static final long MAX_EDIT_BYTES = 64L * 1024 * 1024;

  private final Milter milter;
  private final MilterMessage message;
  private final Macros values;
  private final long bodyLimit;
  private final List<Edit> edits = new ArrayList<>();
  private ByteArrayOutputStream replacement;
  private boolean bodyDone;

  MessageSender(Milter milter, MilterMessage message, Macros values, long bodyLimit) {
    this.milter = milter;
    this.message = message;
    this.values = values;
    this.bodyLimit = bodyLimit;
  }

  Milter.Eom send() throws IOException {
    int ev = milter.events();
    boolean leadingSpace = (ev & Protocol.HDR_LEADSPC) != 0;
    if ((ev & Protocol.NOHDRS) == 0) {
      for (MilterMessage.Header h : message.headers()) {
        String value = !leadingSpace && h.value().startsWith(" ") ? h.value().substring(1) : h.value();
        Verdict v = milter.event(Protocol.HEADER, Protocol.NOHDRS, Protocol.NR_HDR, MacroStage.EOH,
            values, new Packet.Builder().string(h.name()).string(value).build());
        if (!milter.inMessage() || !(v instanceof Verdict.Continue)) {
          return new Milter.Eom(v, List.of());
        }
      }
    }
    Verdict v = milter.event(Protocol.EOH, Protocol.NOEOH, Protocol.NR_EOH, MacroStage.EOH, values,
        new byte[0]);
    if (!milter.inMessage() || !(v instanceof Verdict.Continue)) {
      return new Milter.Eom(v, List.of());
    }
    if ((ev & Protocol.NOBODY) == 0) {
      Optional<Verdict> stop = body();
      if (stop.isPresent()) {
        return new Milter.Eom(stop.get(), List.of());
      }
    }
    Optional<Verdict> skipped = milter.sendEvent(Protocol.BODYEOB, 0, MacroStage.EOM, values,
        new byte[0]);
    if (skipped.isPresent()) {
      return new Milter.Eom(skipped.get(), List.of());
    }
    return endOfMessage();
  }

  /** Sends the body; a verdict when the milter decided before the end. */
  private Optional<Verdict> body() throws IOException {
    byte[] chunk = new byte[Protocol.CHUNK_SIZE];
    int fill = 0;
    try (InputStream in = message.body().open()) {
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          if (fill == chunk.length) {
            Optional<Verdict> v = chunk(chunk, fill);
            if (v.isPresent()) {
              return v;
            }
            fill = 0;
          }
          chunk[fill++] = '\r';
        }
        if (fill == chunk.length) {
          Optional<Verdict> v = chunk(chunk, fill);
          if (v.isPresent()) {
            return v;
          }
          fill = 0;
        }
        chunk[fill++] = (byte) c;
      }
    }
    return fill > 0 ? chunk(chunk, fill) : Optional.empty();
  }

  private Optional<Verdict> chunk(byte[] chunk, int length) {
    byte[] data = new byte[length];
    System.arraycopy(chunk, 0, data, 0, length);
    Verdict v = milter.event(Protocol.BODY, Protocol.NOBODY, Protocol.NR_BODY, MacroStage.EOM,
        values, data);
    return milter.inMessage() && v instanceof Verdict.Continue ? Optional.empty() : Optional.of(v);
  }

  /** Reads edits until the final decision. */
  private Milter.Eom endOfMessage() {
    try {
      long editBytes = 0;
      for (int n = 0; ; n++) {
        Packet p = milter.readWithin(n);
        if (p.command() != Protocol.REPLBODY && (editBytes += p.data().length) > MAX_EDIT_BYTES) {
          throw new IllegalArgumentException("more than " + MAX_EDIT_BYTES + " bytes of edits");
        }
        if (replacement != null && p.command() != Protocol.REPLBODY) {
          edits.add(new Edit.ReplaceBody(replacement.toByteArray()));
          replacement = null;
          bodyDone = true;
        }
        if (edit(p)) {
          continue;
        }
        Optional<Verdict> v = milter.decision(Protocol.BODYEOB, p);
        if (v.isPresent()) {
          return new Milter.Eom(v.get(), edits);
        }
      }
    } catch (MilterProtocolException | IllegalArgumentException e) {
      milter.warn("milter " + milter.name() + ": " + e.getMessage());
      return failed(e instanceof IllegalArgumentException
          ? milter.configurationError() : milter.communicationError());
    } catch (IOException e) {
      milter.warn("milter " + milter.name() + ": " + Milter.reason(e)
          + " reading reply to end of message");
      return failed(milter.communicationError());
    }
  }

  /** After a failure: a body replacement in progress must not leave the old body accepted. */
  private Milter.Eom failed(Verdict verdict) {
    if (replacement != null && (verdict instanceof Verdict.Continue || verdict instanceof Verdict.Hold)) {
      return new Milter.Eom(new Verdict.Refuse(
          MilterReply.parse("421 4.7.0 Service unavailable").orElseThrow()), List.of());
    }
    return new Milter.Eom(verdict, List.of());
  }

  /** Takes a modification request; false when the packet is not one. */
  private boolean edit(Packet p) throws IOException {
    boolean leadingSpace = (milter.events() & Protocol.HDR_LEADSPC) != 0;
    Packet.Reader r = p.reader();
    switch (p.command()) {
      case Protocol.ADDHEADER -> {
        edits.add(new Edit.AddHeader(r.string(), r.string(), leadingSpace));
        r.end();
      }
      case Protocol.INSHEADER -> {
        int index = r.int32();
        if (index < 0) {
          throw new IllegalArgumentException("bad insert header index: " + index);
        }
        edits.add(new Edit.InsertHeader(index, r.string(), r.string(), leadingSpace));
        r.end();
      }
      case Protocol.CHGHEADER -> {
        int index = r.int32();
        // Sendmail counts from 1 but takes 0 for the first instance too.
        index = index == 0 ? 1 : index;
        if (index < 1) {
          throw new IllegalArgumentException("bad change header index: " + index);
        }
        edits.add(new Edit.ChangeHeader(index, r.string(), r.string(), leadingSpace));
        r.end();
      }
      case Protocol.ADDRCPT -> {
        edits.add(new Edit.AddRecipient(r.string(), ""));
        r.end();
      }
      case Protocol.ADDRCPT_PAR -> {
        String address = r.string();
        edits.add(new Edit.AddRecipient(address, r.hasMore() ? r.string() : ""));
        r.end();
      }
      case Protocol.DELRCPT -> {
        edits.add(new Edit.DeleteRecipient(r.string()));
        r.end();
      }
      case Protocol.CHGFROM -> {
        String address = r.string();
        edits.add(new Edit.ChangeSender(address, r.hasMore() ? r.string() : ""));
        r.end();
      }
      case Protocol.REPLBODY -> replaceBody(r.rest());
      default -> {
        return false;
      }
    }
    return true;
  }

  private void replaceBody(byte[] data) {
    if (bodyDone) {
      throw new IllegalArgumentException(
          "body replacement requests can't currently be mixed with other requests");
    }
    if (replacement == null) {
      replacement = new ByteArrayOutputStream();
    }
    if (bodyLimit > 0 && replacement.size() + (long) data.length > bodyLimit) {
      throw new IllegalArgumentException("body replacement larger than " + bodyLimit + " bytes");
    }
    replacement.writeBytes(data);
  }
}
