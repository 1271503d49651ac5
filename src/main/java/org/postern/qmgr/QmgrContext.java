package org.postern.qmgr;

import java.time.Clock;
import java.util.function.Function;
import org.postern.deliver.VerifyClient;
import org.postern.log.ProgramLog;
import org.postern.queue.Queues;

/** What every message run shares: configuration, queues, routing, scheduler state, logs. */
record QmgrContext(
    QmgrSettings settings,
    Queues queues,
    RecipientRouter router,
    Transports transports,
    Destinations destinations,
    MessageCompletion completion,
    ProgramLog log,
    Function<String, ProgramLog> agentLogs,
    Clock clock,
    VerifyClient verify) {}
