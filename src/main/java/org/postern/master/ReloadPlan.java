package org.postern.master;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.postern.config.MasterService;
import org.postern.master.ConfigCheck.ServiceView;

/**
 * What {@code postern reload} changes, service by service, between the running configuration
 * and the one just read: entries new in master.cf start, entries gone stop, entries whose
 * definition or main.cf changed reload, the rest carry on untouched. Entries are matched by
 * {@code service/type}, as Postfix's master matches them; moving a line is not a change.
 *
 * @param added entries only in the new master.cf, in its order
 * @param removed entries only in the old master.cf, in its order
 * @param changed entries in both whose definition or main.cf differ, as the new views
 * @param unchanged entries in both with the same definition and the same main.cf, as new views
 */
record ReloadPlan(
    List<ServiceView> added,
    List<ServiceView> removed,
    List<ServiceView> changed,
    List<ServiceView> unchanged) {

  ReloadPlan {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    changed = List.copyOf(changed);
    unchanged = List.copyOf(unchanged);
  }

  static ReloadPlan between(List<ServiceView> running, List<ServiceView> next) {
    Map<String, ServiceView> old = new LinkedHashMap<>();
    running.forEach(v -> old.put(v.service().name(), v));
    List<ServiceView> added = new ArrayList<>();
    List<ServiceView> changed = new ArrayList<>();
    List<ServiceView> unchanged = new ArrayList<>();
    for (ServiceView v : next) {
      ServiceView before = old.remove(v.service().name());
      if (before == null) {
        added.add(v);
      } else if (sameDefinition(before.service(), v.service())
          && before.config().explicit().equals(v.config().explicit())) {
        unchanged.add(v);
      } else {
        changed.add(v);
      }
    }
    return new ReloadPlan(added, List.copyOf(old.values()), changed, unchanged);
  }

  /** Every column and argument equal; where the entry sits in master.cf does not count. */
  static boolean sameDefinition(MasterService a, MasterService b) {
    return a.service().equals(b.service())
        && a.type() == b.type()
        && a.privateField().equals(b.privateField())
        && a.unprivField().equals(b.unprivField())
        && a.chrootField().equals(b.chrootField())
        && a.wakeupField().equals(b.wakeupField())
        && a.maxprocField().equals(b.maxprocField())
        && a.command().equals(b.command())
        && a.arguments().equals(b.arguments())
        && Objects.equals(a.overrides(), b.overrides());
  }
}
