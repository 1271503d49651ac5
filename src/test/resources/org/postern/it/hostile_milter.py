#!/usr/bin/python3
"""A milter that breaks the protocol on purpose, chosen by the MAIL FROM local part.

usage: hostile_milter.py ADDRESS PORT

It negotiates properly (version 6, all actions, all events) and continues every event until
MAIL; then, for <MODE@...>:
  badcode    SMFIR_REPLYCODE with a 2xx reply
  crlf       SMFIR_REPLYCODE smuggling a second reply line
  truncated  a packet that announces 100 bytes and brings 4, then hangs up
  oversized  a length of 2^31-1, then hangs up
  zero       a length of 0
  unknown    a reply letter that does not exist
  garbage    continue followed by data bytes
"""
import socket
import struct
import sys
import threading


def frame(cmd, data=b""):
    return struct.pack("!I", len(data) + 1) + cmd + data


def read_packet(conn):
    head = b""
    while len(head) < 4:
        chunk = conn.recv(4 - len(head))
        if not chunk:
            return None, None
        head += chunk
    (length,) = struct.unpack("!I", head)
    body = b""
    while len(body) < length:
        chunk = conn.recv(length - len(body))
        if not chunk:
            return None, None
        body += chunk
    return body[:1], body[1:]


HOSTILE = {
    "badcode": frame(b"y", b"250 2.0.0 fine\0"),
    "crlf": frame(b"y", b"550 5.7.1 no\r\n250 2.0.0 yes\0"),
    "truncated": struct.pack("!I", 100) + b"y550",
    "oversized": struct.pack("!I", 0x7FFFFFFF) + b"y",
    "zero": struct.pack("!I", 0),
    "unknown": frame(b"Z"),
    "garbage": frame(b"c", b"\x01\x02"),
}


def serve(conn):
    with conn:
        while True:
            cmd, data = read_packet(conn)
            if cmd is None or cmd == b"Q":
                return
            if cmd == b"O":
                conn.sendall(frame(b"O", struct.pack("!III", 6, 0x1FF, 0)))
            elif cmd in (b"D", b"A"):
                continue
            elif cmd == b"M":
                mode = data.split(b"@")[0].lstrip(b"<").decode()
                conn.sendall(HOSTILE.get(mode, frame(b"c")))
                if mode in ("truncated", "oversized", "zero"):
                    return
            else:
                conn.sendall(frame(b"c"))


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((sys.argv[1], int(sys.argv[2])))
    server.listen(16)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
