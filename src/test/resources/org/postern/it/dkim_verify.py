#!/usr/bin/python3
"""Verifies the DKIM signature of a message with dkimpy (Debian python3-dkim).

usage: dkim_verify.py MESSAGE KEYTXT

KEYTXT is opendkim-genkey's selector.txt; its record answers the one DNS query dkimpy makes,
so no DNS is needed. Prints "verified" or "failed" and exits 0 or 1.
"""
import re
import sys

import dkim

message = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
record = "".join(re.findall(r'"([^"]*)"', open(sys.argv[2]).read())).encode()


def dns(name, timeout=5):
    return record


ok = dkim.verify(message, dnsfunc=dns)
print("verified" if ok else "failed")
sys.exit(0 if ok else 1)
