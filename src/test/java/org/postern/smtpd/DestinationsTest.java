package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postern.config.MainConfig;
import org.postern.deliver.Resolution.AddressClass;
import org.postern.rewrite.TrivialRewrite;
import org.postern.table.Tables;

class DestinationsTest {
  /** mx.test is local, relay.test a relay domain, va.test virtual alias, vm.test virtual mailbox. */
  private static Destinations destinations(boolean allowUntrustedRouting, String... more) throws Exception {
    Map<String, String> p = new HashMap<>();
    p.put("compatibility_level", "3.11");
    p.put("myhostname", "mx.test");
    p.put("mydestination", "mx.test, localhost");
    p.put("inet_interfaces", "192.0.2.1, [2001:db8::1]");
    p.put("relay_domains", "relay.test");
    p.put("virtual_alias_domains", "va.test");
    p.put("virtual_mailbox_domains", "vm.test");
    for (int i = 0; i < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    MainConfig c = MainConfig.of(Path.of("/etc/postern"), p);
    return new Destinations(TrivialRewrite.create(c, Tables::open), allowUntrustedRouting);
  }

  private static boolean authorized(Destinations d, String address) throws Exception {
    return d.authorized(d.resolve(MailAddress.parse("<" + address + ">").internal()));
  }

  @Test
  void authorized_everyFinalAndRelayClass_isTrue() throws Exception {
    Destinations d = destinations(false);
    assertThat(authorized(d, "u@MX.test")).isTrue();
    assertThat(authorized(d, "u@va.test")).isTrue();
    assertThat(authorized(d, "u@vm.test")).isTrue();
    assertThat(authorized(d, "u@relay.test")).isTrue();
    assertThat(authorized(d, "u@a.relay.test")).isTrue();
  }

  @Test
  void resolve_eachDomain_hasItsAddressClass() throws Exception {
    Destinations d = destinations(false);
    assertThat(d.resolve("u@mx.test").addressClass()).isEqualTo(AddressClass.LOCAL);
    assertThat(d.resolve("u@va.test").addressClass()).isEqualTo(AddressClass.VIRTUAL_ALIAS);
    assertThat(d.resolve("u@vm.test").addressClass()).isEqualTo(AddressClass.VIRTUAL_MAILBOX);
    assertThat(d.resolve("u@relay.test").addressClass()).isEqualTo(AddressClass.RELAY);
    assertThat(d.resolve("u@remote.example").addressClass()).isEqualTo(AddressClass.DEFAULT);
  }

  @Test
  void resolve_recipient_isCaseFolded() throws Exception {
    assertThat(destinations(false).resolve("Alice@VM.Test").recipient()).isEqualTo("alice@vm.test");
  }

  @Test
  void authorized_remoteAndForeignAddressLiteral_areFalse() throws Exception {
    Destinations d = destinations(false);
    assertThat(authorized(d, "u@remote.example")).isFalse();
    assertThat(authorized(d, "u@[192.0.2.9]")).isFalse();
  }

  @Test
  void authorized_addressLiteralOfOwnInterface_isTrue() throws Exception {
    Destinations d = destinations(false);
    assertThat(authorized(d, "u@[192.0.2.1]")).isTrue();
    assertThat(authorized(d, "u@[IPv6:2001:db8::1]")).isTrue();
  }

  @Test
  void authorized_percentHackBehindLocalDomain_isJudgedByTheDomainItNames() throws Exception {
    Destinations d = destinations(false);
    assertThat(authorized(d, "u%remote.example@mx.test")).isFalse();
    assertThat(authorized(d, "u%remote.example@[192.0.2.1]")).isFalse();
    assertThat(authorized(d, "u%relay.test@mx.test")).isTrue();
  }

  @Test
  void authorized_routingOperatorBeforeRelayDomain_onlyWithAllowUntrustedRouting() throws Exception {
    assertThat(authorized(destinations(false), "u%remote.example@relay.test")).isFalse();
    assertThat(authorized(destinations(false), "remote.example!u@relay.test")).isFalse();
    assertThat(authorized(destinations(true), "u%remote.example@relay.test")).isTrue();
  }

  @Test
  void authorized_quotedAtBangPathAndSourceRoute_areJudgedByRealDestination() throws Exception {
    Destinations d = destinations(false);
    assertThat(authorized(d, "\"u@remote.example\"@mx.test")).isFalse();
    assertThat(authorized(d, "remote.example!u@mx.test")).isFalse();
    assertThat(authorized(d, "@mx.test:u@remote.example")).isFalse();
  }
}
