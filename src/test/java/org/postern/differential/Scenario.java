package org.postern.differential;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One cell of the differential suite: a message ({@code headers} added to a fixed one) submitted
 * by {@code submission} to the sender MTA, delivered by a master.cf transport of the {@code smtp}
 * service with {@code overrides} ({@code -o name=value}, for example {@code
 * smtp_requiretls_policy=enforce}) to the {@code receiver}. The suite's main.cf lines are common to
 * all its scenarios; each scenario has its own destination domain, routed by {@code
 * transport_maps} to its transport and the receiver's {@code [address]:25}. A chain cell has a
 * {@code relay}: the message goes to the other MTA first, which relays it on ({@link RelayHop}).
 *
 * <p>Failure: a name that is not a lower-case DNS label (it becomes the domain) is refused.
 */
public record Scenario(
    String name, List<String> overrides, Receiver receiver, Submission submission, List<String> headers,
    Optional<RelayHop> relay, Optional<String> mxDomain) {
  public Scenario {
    Objects.requireNonNull(mxDomain);
    Objects.requireNonNull(receiver);
    Objects.requireNonNull(submission);
    Objects.requireNonNull(relay);
    if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException("scenario name is not a DNS label: " + name);
    }
    overrides = List.copyOf(overrides);
    headers = List.copyOf(headers);
    checkOverrides(overrides);
  }

  /** A one-hop cell: the sender MTA delivers straight to the receiver. */
  Scenario(String name, List<String> overrides, Receiver receiver, Submission submission, List<String> headers) {
    this(name, overrides, receiver, submission, headers, Optional.empty(), Optional.empty());
  }

  /** A chain cell ({@link RelayHop}). */
  Scenario(String name, List<String> overrides, Receiver receiver, Submission submission, List<String> headers,
      Optional<RelayHop> relay) {
    this(name, overrides, receiver, submission, headers, relay, Optional.empty());
  }

  /**
   * This scenario routed by DNS: its transport's next hop is {@code domain} (MX lookup, DNSSEC),
   * whose MX hosts are receivers of the world's DNS; {@link #receiver} is then only the first MX.
   */
  Scenario viaMx(String domain) {
    return new Scenario(name, overrides, receiver, submission, headers, relay, Optional.of(domain));
  }

  static void checkOverrides(List<String> overrides) {
    for (String o : overrides) {
      if (!o.matches("[a-z0-9_]+=\\S*")) {
        throw new IllegalArgumentException("override is not name=value without spaces: " + o);
      }
    }
  }

  /**
   * The REQUIRETLS cell: {@code policy} (an {@code smtp_requiretls_policy} action, or {@code -} for
   * a message that does not ask for REQUIRETLS) at TLS {@code level} to {@code receiver}; for an
   * LMTP receiver, {@code lmtp_requiretls_policy} and {@code lmtp_tls_security_level}.
   */
  static Scenario requireTls(String policy, String level, Receiver receiver) {
    boolean asked = !policy.equals("-");
    String name = (asked ? policy.replace("+starttls", "-starttls") : "plainmsg") + "-" + level + "-" + receiver.label;
    String prefix = receiver.lmtp() ? "lmtp_" : "smtp_";
    List<String> overrides = new ArrayList<>(List.of(prefix + "tls_security_level=" + level));
    if (asked) {
      overrides.add(prefix + "requiretls_policy=" + policy);
    }
    return new Scenario(
        name, overrides, receiver, asked ? Submission.SENDMAIL_REQUIRETLS : Submission.SENDMAIL, List.of());
  }

  /** This scenario with {@code header} added to the message, named with {@code suffix}. */
  Scenario withHeader(String suffix, String header) {
    List<String> more = new ArrayList<>(headers);
    more.add(header);
    return new Scenario(name + "-" + suffix, overrides, receiver, submission, more, relay, mxDomain);
  }

  /** The master.cf service its transport runs: {@code smtp}, or {@code lmtp} for an LMTP receiver. */
  String service() {
    return receiver.lmtp() ? "lmtp" : "smtp";
  }

  String domain() {
    return name + ".diff.test";
  }

  /** The recipient as {@code mta} sends it: the local part tells the receiver who sent it. */
  String recipient(Mta mta) {
    return mta.label() + "@" + domain();
  }

  /** The envelope sender as {@code mta} sends it; bounces for it go to {@link Receiver#BOUNCES}. */
  String sender(Mta mta) {
    return mta.label() + "." + name + "@bounces.diff.test";
  }

  /** The message text, with a marker line in the body that redaction must remove from bounces. */
  String message(Mta mta) {
    StringBuilder m = new StringBuilder();
    m.append("From: <").append(sender(mta)).append(">\n");
    m.append("To: <").append(recipient(mta)).append(">\n");
    m.append("Subject: differential ").append(name).append('\n');
    headers.forEach(h -> m.append(h).append('\n'));
    m.append('\n').append(bodyMarker()).append('\n');
    return m.toString();
  }

  String bodyMarker() {
    return "[body of " + name + "]";
  }

  @Override
  public String toString() {
    String via = relay.map(r -> " -> relay " + r.listener().label + " " + r.overrides()).orElse("");
    String to = mxDomain.map(d -> "MX of " + d).orElse(receiver.label);
    return name + " " + overrides + via + " -> " + to + (headers.isEmpty() ? "" : " " + headers);
  }
}
