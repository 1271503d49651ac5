package org.postern.local;

import java.util.LinkedHashMap;
import java.util.Map;
import org.postern.deliver.DeliveryRequest;
import org.postern.queue.Recipient;

/**
 * A recipient's attributes as local(8) hands them on: the {@code $name} values of forward_path
 * and mailbox_command, and the environment of a command.
 */
final class RecipientAttributes {
  private RecipientAttributes() {}

  /** The $name values of forward_path and mailbox_command for {@code user}. */
  static Map<String, String> expansion(LocalUser user, Recipient recipient, RecipientAddress rcpt) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("user", user.name());
    v.put("home", user.home().toString());
    v.put("shell", user.shell());
    v.put("recipient", recipient.address());
    v.put("extension", rcpt.extension());
    v.put("domain", rcpt.domain());
    v.put("local", rcpt.local());
    v.put("recipient_delimiter", rcpt.delimiter());
    return v;
  }

  /** The environment of a command, as local(8) sets it, plus export_environment. */
  static Map<String, String> environment(LocalSettings settings, DeliveryRequest request,
      Recipient recipient, RecipientAddress rcpt, LocalUser rights) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/bin:/bin");
    for (String item : settings.exportEnvironment()) {
      int eq = item.indexOf('=');
      if (eq > 0) {
        env.put(item.substring(0, eq), item.substring(eq + 1));
      } else if (System.getenv(item) != null) {
        env.put(item, System.getenv(item));
      }
    }
    env.put("SHELL", rights.shell());
    env.put("HOME", rights.home().toString());
    env.put("LOGNAME", rights.name());
    env.put("USER", rights.name());
    if (!rcpt.extension().isEmpty()) {
      env.put("EXTENSION", rcpt.extension());
    }
    env.put("DOMAIN", rcpt.domain());
    env.put("LOCAL", rcpt.local());
    env.put("RECIPIENT", recipient.address());
    env.put("SENDER", request.sender());
    recipient.originalRecipient().ifPresent(o -> env.put("ORIGINAL_RECIPIENT", o));
    return env;
  }
}
