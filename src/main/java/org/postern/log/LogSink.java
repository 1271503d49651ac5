package org.postern.log;

/**
 * Where finished records go. A sink never throws at the caller: a record it cannot deliver goes to
 * standard error, announced once, because a mail system must not lose its log silently.
 */
sealed interface LogSink permits MaillogFile, StreamSink, SyslogSink {
  void write(LogRecord record);
}
