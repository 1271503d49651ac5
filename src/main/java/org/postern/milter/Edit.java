package org.postern.milter;

import java.util.Objects;

/**
 * One modification a milter asked for at end of message. Header indexes are Postfix's: {@link
 * ChangeHeader} counts the instances of one header name from 1, in the message as received
 * (without the MTA's own Received: header); {@link InsertHeader} counts every header from 0 at
 * the top of the message as it will be delivered. An empty value in {@link ChangeHeader} deletes
 * the header. Header values arrive as the milter sent them; the caller adds the space after the
 * colon unless the milter negotiated SMFIP_HDR_LEADSPC ({@link #leadingSpace}).
 */
public sealed interface Edit {
  /** SMFIR_ADDHEADER: append a header. */
  record AddHeader(String name, String value, boolean leadingSpace) implements Edit {
    public AddHeader {
      Headers.check(name, value);
    }
  }

  /** SMFIR_INSHEADER: insert a header before the {@code index}th (0 = top). */
  record InsertHeader(int index, String name, String value, boolean leadingSpace) implements Edit {
    public InsertHeader {
      Headers.check(name, value);
    }
  }

  /** SMFIR_CHGHEADER: replace the {@code index}th {@code name} header; empty value deletes it. */
  record ChangeHeader(int index, String name, String value, boolean leadingSpace) implements Edit {
    public ChangeHeader {
      Headers.check(name, value);
    }

    public boolean deletes() {
      return value.isEmpty();
    }
  }

  /** SMFIR_ADDRCPT or SMFIR_ADDRCPT_PAR: a new recipient, with ESMTP parameters (may be empty). */
  record AddRecipient(String address, String parameters) implements Edit {
    public AddRecipient {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(parameters, "parameters");
    }
  }

  /** SMFIR_DELRCPT: remove the recipient given as {@code address}. */
  record DeleteRecipient(String address) implements Edit {
    public DeleteRecipient {
      Objects.requireNonNull(address, "address");
    }
  }

  /** SMFIR_CHGFROM: a new envelope sender, with ESMTP parameters (may be empty). */
  record ChangeSender(String address, String parameters) implements Edit {
    public ChangeSender {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(parameters, "parameters");
    }
  }

  /** SMFIR_REPLBODY, all chunks: the new body, CRLF line ends as on the wire. */
  record ReplaceBody(byte[] body) implements Edit {
    public ReplaceBody {
      Objects.requireNonNull(body, "body");
    }
  }
}
