package org.postern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps the arrows of Postfix's architecture: util knows no mail; shared mail knowledge
 * (config, table, queue, log, tls, dns, deliver, esmtp, mtasts, sasl, tlsrpt, policy, metrics) knows no daemon; daemons do not import each other and
 * talk through the shared packages; only master and cli wire daemons together.
 */
class ArchitectureTest {
  private static final String ROOT = "org.postern.";
  private static final List<String> DAEMONS =
      List.of(
          "smtpd", "cleanup", "pickup", "qmgr", "rewrite", "smtp", "local", "virtual", "pipe",
          "discard", "error", "bounce", "anvil", "scache", "showq", "flush", "verify");
  private static final List<String> SHARED =
      List.of("config", "table", "queue", "log", "tls", "dns", "deliver", "esmtp", "mtasts", "sasl",
          "tlsrpt", "policy", "milter", "metrics");

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.postern");

  @Test
  void util_dependsOnNoOtherPosternPackage() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + "util..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packages(all().stream().filter(p -> !p.equals("util")).toList()))
        .check(CLASSES);
  }

  @Test
  void sharedPackages_dependOnNoDaemonNorCommand() {
    List<String> upper = new java.util.ArrayList<>(DAEMONS);
    upper.addAll(List.of("master", "cli"));
    noClasses()
        .that()
        .resideInAnyPackage(packages(SHARED))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packages(upper))
        .allowEmptyShould(true)
        .check(CLASSES);
  }

  @TestFactory
  List<DynamicTest> daemons_doNotImportEachOther() {
    return DAEMONS.stream()
        .map(
            daemon ->
                DynamicTest.dynamicTest(
                    daemon,
                    () -> {
                      List<String> others = new java.util.ArrayList<>(DAEMONS);
                      others.remove(daemon);
                      others.addAll(List.of("master", "cli"));
                      noClasses()
                          .that()
                          .resideInAPackage(ROOT + daemon + "..")
                          .should()
                          .dependOnClassesThat()
                          .resideInAnyPackage(packages(others))
                          .allowEmptyShould(true)
                          .check(CLASSES);
                    }))
        .toList();
  }

  private static List<String> all() {
    List<String> all = new java.util.ArrayList<>(DAEMONS);
    all.addAll(SHARED);
    all.addAll(List.of("util", "master", "cli"));
    return all;
  }

  private static String[] packages(List<String> names) {
    return names.stream().map(n -> ROOT + n + "..").toArray(String[]::new);
  }
}
