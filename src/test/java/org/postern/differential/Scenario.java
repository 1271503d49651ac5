package org.postern.differential;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One cell of the differential suite: a message ({@code headers} added to a fixed one) submitted
 * by {@code submission} to the sender MTA, delivered by a master.cf transport of the {@code smtp}
 * service with {@code overrides} ({@code -o name=value}, for example {@code
 * smtp_requiretls_policy=enforce}) to the {@code receiver}. The suite's main.cf lines are common to
 * all its scenarios; each scenario has its own destination domain, routed by {@code
 * transport_maps} to its transport and the receiver's {@code [address]:25}.
 *
 * <p>Failure: a name that is not a lower-case DNS label (it becomes the domain) is refused.
 */
public record Scenario(
    String name, List<String> overrides, Receiver receiver, Submission submission, List<String> headers) {
  public Scenario {
    Objects.requireNonNull(receiver);
    Objects.requireNonNull(submission);
    if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException("scenario name is not a DNS label: " + name);
    }
    overrides = List.copyOf(overrides);
    headers = List.copyOf(headers);
    for (String o : overrides) {
      if (!o.matches("[a-z0-9_]+=\\S*")) {
        throw new IllegalArgumentException("override is not name=value without spaces: " + o);
      }
    }
  }

  /**
   * The REQUIRETLS cell: {@code policy} (an {@code smtp_requiretls_policy} action, or {@code -} for
   * a message that does not ask for REQUIRETLS) at TLS {@code level} to {@code receiver}.
   */
  static Scenario requireTls(String policy, String level, Receiver receiver) {
    boolean asked = !policy.equals("-");
    String name = (asked ? policy.replace("+starttls", "-starttls") : "plainmsg") + "-" + level + "-" + receiver.label;
    List<String> overrides = new ArrayList<>(List.of("smtp_tls_security_level=" + level));
    if (asked) {
      overrides.add("smtp_requiretls_policy=" + policy);
    }
    return new Scenario(
        name, overrides, receiver, asked ? Submission.SENDMAIL_REQUIRETLS : Submission.SENDMAIL, List.of());
  }

  /** This scenario with {@code header} added to the message, named with {@code suffix}. */
  Scenario withHeader(String suffix, String header) {
    List<String> more = new ArrayList<>(headers);
    more.add(header);
    return new Scenario(name + "-" + suffix, overrides, receiver, submission, more);
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
    return name + " " + overrides + " -> " + receiver.label + (headers.isEmpty() ? "" : " " + headers);
  }
}
