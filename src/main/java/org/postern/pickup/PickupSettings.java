package org.postern.pickup;

import java.util.Objects;
import org.postern.config.MainConfig;

/**
 * The main.cf parameters pickup uses: {@code myhostname} and {@code mail_name} for its Received:
 * header, and {@code mail_owner}, the owner of files that {@code postsuper -r} requeued.
 */
public record PickupSettings(String myhostname, String mailName, String mailOwner) {
  public PickupSettings {
    Objects.requireNonNull(myhostname, "myhostname");
    Objects.requireNonNull(mailName, "mailName");
    Objects.requireNonNull(mailOwner, "mailOwner");
  }

  public static PickupSettings from(MainConfig config) {
    return new PickupSettings(
        config.get("myhostname"), config.get("mail_name"), config.get("mail_owner"));
  }
}
