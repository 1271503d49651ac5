package org.postern.smtpd;

import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.rewrite.TrivialRewrite;
import org.postern.table.TableException;
import org.postern.table.Tables;

/** SmtpdSettings as master wires them: with trivial-rewrite's resolver for the same main.cf. */
final class TestSmtpdSettings {
  private TestSmtpdSettings() {}

  static SmtpdSettings from(MainConfig config) throws ConfigException {
    try {
      return SmtpdSettings.fromConfig(config, TrivialRewrite.create(config, Tables::open));
    } catch (TableException e) {
      throw new IllegalStateException("trivial-rewrite tables: " + e.getMessage(), e);
    }
  }
}
