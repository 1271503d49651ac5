#!/usr/bin/python3
"""A pymilter (libmilter) milter that performs the action the message asks for.

usage: pymilter_actions.py SOCKET EVENTLOG

The recipient "blocked@..." is rejected at RCPT with a multi-line reply; the sender
"tempfail@..." is refused at MAIL. At end of message the Subject picks the action:
tag (every header and envelope edit), reject, discard, quarantine, replbody, crash (starts a
body replacement and dies). Every event with its macros is appended to EVENTLOG, one line each.
"""
import os
import sys

import Milter

SOCKET, EVENTLOG = sys.argv[1], sys.argv[2]


def log(line):
    with open(EVENTLOG, "a") as f:
        f.write(line + "\n")


class ActionMilter(Milter.Base):
    def __init__(self):
        self.subject = ""

    def macros(self, *names):
        return " ".join("%s=%s" % (n, self.getsymval(n)) for n in names)

    def connect(self, hostname, family, hostaddr):
        log("connect %s %s %s" % (hostname, hostaddr[0],
                                  self.macros("j", "{daemon_name}", "v", "_")))
        return Milter.CONTINUE

    def hello(self, name):
        log("helo %s" % name)
        return Milter.CONTINUE

    def envfrom(self, sender, *params):
        log("mail %s %s %s" % (sender, " ".join(params), self.macros("{mail_addr}")))
        if sender.startswith("<tempfail@"):
            return Milter.TEMPFAIL
        return Milter.CONTINUE

    def envrcpt(self, rcpt, *params):
        log("rcpt %s %s" % (rcpt, self.macros("{rcpt_addr}")))
        if rcpt.startswith("<blocked@"):
            self.setreply("550", "5.7.1", "blocked by pymilter", "second line")
            return Milter.REJECT
        return Milter.CONTINUE

    def header(self, name, value):
        if name.lower() == "subject":
            self.subject = value.strip()
        log("header %s: %s" % (name, value))
        return Milter.CONTINUE

    def eom(self):
        log("eom %s %s" % (self.subject, self.macros("i")))
        action = self.subject
        if action == "tag":
            self.addheader("X-Milter", "tagged")
            self.addheader("X-Top", "inserted", 0)
            self.chgheader("X-Change", 1, "changed")
            self.chgheader("X-Remove", 1, "")
            self.addrcpt("<added@mx.test>", "NOTIFY=NEVER")
            self.delrcpt("<removed@mx.test>")
            self.chgfrom("<new-sender@example.com>")
        elif action == "reject":
            self.setreply("554", "5.7.1", "content rejected by pymilter")
            return Milter.REJECT
        elif action == "discard":
            return Milter.DISCARD
        elif action == "quarantine":
            self.quarantine("held by pymilter")
        elif action == "replbody":
            self.chgheader("Require-TLS-ESMTP", 1, "")
            self.replacebody(b"replaced by pymilter\r\n")
        elif action == "crash":
            self.replacebody(b"half of a replacement\r\n")
            os._exit(1)
        return Milter.CONTINUE


def main():
    Milter.factory = ActionMilter
    Milter.set_flags(Milter.ADDHDRS | Milter.CHGHDRS | Milter.ADDRCPT | Milter.DELRCPT
                     | Milter.CHGBODY | Milter.QUARANTINE | Milter.CHGFROM | Milter.ADDRCPT_PAR)
    log("ready")
    Milter.runmilter("pymilter_actions", SOCKET, 60)


if __name__ == "__main__":
    main()
