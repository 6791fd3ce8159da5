"""MONITOR: Redis's line format, quoting and AUTH/HELLO redaction, on both servers."""

from __future__ import annotations

import re
from collections.abc import Callable

import redis

from tests.compat.conftest import RawConnection
from tests.servers import RunningServer

LINE = re.compile(rb"^\+\d+\.\d{6} \[(\d+) ([^\]]+)\] (.*)\r\n$")


def command(*args: bytes | str) -> bytes:
    parts = [arg.encode() if isinstance(arg, str) else arg for arg in args]
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%b\r\n" % (len(part), part) for part in parts)


def monitored(
    server: RunningServer,
    client: redis.Redis,
    run: list[list[bytes | str]],
    before_end: Callable[[], None] | None = None,
) -> list[bytes]:
    monitor = RawConnection(server.port)
    monitor.send(command("MONITOR"))
    assert monitor.read_line() == b"+OK\r\n"
    for args in run:
        try:
            client.execute_command(*args)
        except redis.RedisError:  # the command's reply does not matter here
            pass
    if before_end is not None:
        before_end()
    client.execute_command("ECHO", "end")
    shown = []
    while True:
        match = LINE.match(monitor.read_line())
        assert match is not None
        if not match.group(3).startswith(b'"CLIENT" "SETINFO"'):  # redis-py's handshake
            shown.append(match.group(1) + b" " + match.group(3))
        if match.group(3) == b'"ECHO" "end"':
            monitor.sock.close()
            return shown[:-1]


def test_monitor_quotes_and_escapes_arguments_like_sdscatrepr(server: RunningServer, r: redis.Redis) -> None:
    assert monitored(server, r, [["SET", "k", b'a "b"\n\x01\xff\\']]) == [
        b'0 "SET" "k" "a \\"b\\"\\n\\x01\\xff\\\\"'
    ]


def test_monitor_redacts_auth_and_hello_credentials(server: RunningServer, r: redis.Redis) -> None:
    client = RawConnection(server.port)  # redis-py would retry a failed AUTH
    raw = command("AUTH", "pw") + command("AUTH", "user", "pw") + command("HELLO", "2", "AUTH", "default", "x")
    shown = monitored(server, r, [], before_end=lambda: client.send(raw))
    assert shown == [
        b'0 "AUTH" "(redacted)"',
        b'0 "AUTH" "(redacted)" "(redacted)"',
        b'0 "HELLO" "2" "AUTH" "(redacted)" "(redacted)"',
    ]


def test_monitor_skips_admin_commands_and_shows_exec_after_its_commands(
    server: RunningServer, r: redis.Redis
) -> None:
    client = redis.Redis(host=server.host, port=server.port, single_connection_client=True)
    shown = monitored(
        server, client, [["CONFIG", "GET", "maxclients"], ["MULTI"], ["GET", "k"], ["EXEC"], ["SELECT", "1"], ["PING"]]
    )
    assert shown == [b'0 "MULTI"', b'0 "GET" "k"', b'0 "EXEC"', b'1 "SELECT" "1"', b'1 "PING"']
    client.close()


def test_reset_leaves_monitor_mode(server: RunningServer, r: redis.Redis) -> None:
    monitor = RawConnection(server.port)
    monitor.send(command("MONITOR"))
    assert monitor.read_line() == b"+OK\r\n"
    monitor.send(command("RESET"))
    assert monitor.read_line() == b"+RESET\r\n"
    r.set("after-reset", "1")
    monitor.send(command("PING"))
    assert monitor.read_line() == b"+PONG\r\n"
    monitor.close()
