package org.postern.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.postern.master.ConfigCheck.ServiceView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadPlanTest {
  @TempDir Path dir;

  private ConfigCheck config(String mainCf, String masterCf) throws Exception {
    Files.writeString(dir.resolve("main.cf"), mainCf);
    Files.writeString(dir.resolve("master.cf"), masterCf);
    return ConfigCheck.run(dir);
  }

  private static java.util.List<String> names(java.util.List<ServiceView> views) {
    return views.stream().map(v -> v.service().name()).toList();
  }

  @Test
  void between_entriesAddedRemovedEdited_areSorted() throws Exception {
    ConfigCheck old = config("", "a unix - - n - - x\nb unix - - n - - x\nc unix - - n - - x\n");
    ConfigCheck next =
        config("", "c unix - - n - 5 x\na unix - - n - - x\nd unix - - n - - x\n");

    ReloadPlan plan = ReloadPlan.between(old.services(), next.services());

    assertThat(names(plan.added())).containsExactly("d/unix");
    assertThat(names(plan.removed())).containsExactly("b/unix");
    assertThat(names(plan.changed())).containsExactly("c/unix");
    assertThat(names(plan.unchanged())).containsExactly("a/unix");
  }

  @Test
  void between_mainCfValueChanged_everyServiceChanged() throws Exception {
    ConfigCheck old = config("myhostname = a.example\n", "a unix - - n - - x\n");
    ConfigCheck next = config("myhostname = b.example\n", "a unix - - n - - x\n");

    assertThat(names(ReloadPlan.between(old.services(), next.services()).changed()))
        .containsExactly("a/unix");
  }

  @Test
  void between_sameTypeOtherName_isADifferentService() throws Exception {
    ConfigCheck old = config("", "a unix - - n - - x\n");
    ConfigCheck next = config("", "a inet - - n - - x\n");

    ReloadPlan plan = ReloadPlan.between(old.services(), next.services());

    assertThat(names(plan.added())).containsExactly("a/inet");
    assertThat(names(plan.removed())).containsExactly("a/unix");
  }

  @Test
  void between_overrideEdited_isAChange() throws Exception {
    ConfigCheck old = config("", "a unix - - n - - x -o smtpd_banner=one\n");
    ConfigCheck next = config("", "\n\na unix - - n - - x -o smtpd_banner=two\n");

    assertThat(names(ReloadPlan.between(old.services(), next.services()).changed()))
        .containsExactly("a/unix");
    assertThat(ReloadPlan.between(old.services(), old.services()).changed()).isEmpty();
  }
}
