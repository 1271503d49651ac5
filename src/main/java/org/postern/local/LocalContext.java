package org.postern.local;

import java.time.Clock;
import java.util.concurrent.locks.Lock;
import org.postern.deliver.MailSubmitter;

/** What every recipient's delivery shares: settings, tables, users, rights, clock, forwarding. */
record LocalContext(
    LocalSettings settings,
    AliasMaps aliases,
    LocalUsers users,
    Privileges privileges,
    Clock clock,
    MailSubmitter submitter,
    Mbox mbox,
    CommandRunner commands,
    UserFiles files,
    Lock maildirCreation) {}
