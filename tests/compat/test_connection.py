"""Handshakes and connection commands: redis-py's connect paths, HELLO, AUTH,
NOAUTH gating, PING / ECHO / SELECT / RESET / QUIT."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
import redis.asyncio

from tests.compat.conftest import RawConnection
from tests.servers import RunningServer, start_server

PASSWORD = "s3cret pass"


@pytest.fixture(scope="module")
def secured() -> Iterator[dict[str, RunningServer]]:
    """A server per kind started with ``--requirepass``, started on first use."""
    started: dict[str, RunningServer] = {}
    yield started
    for running in started.values():
        running.stop()


@pytest.fixture
def locked(target: str, secured: dict[str, RunningServer]) -> RunningServer:
    """A separate server that requires a password. The password is set by
    CONFIG SET right after start because start_server's readiness probe
    (a bare PING) would get NOAUTH from a server started with --requirepass;
    test_startup.py covers the flag itself."""
    if target not in secured:
        running = start_server(target)
        with redis.Redis(host=running.host, port=running.port) as admin:
            admin.config_set("requirepass", PASSWORD)
        secured[target] = running
    return secured[target]


# -- handshakes ---------------------------------------------------------------
HANDSHAKES = [
    pytest.param({"protocol": 2}, id="resp2"),
    pytest.param({"protocol": 3}, id="resp3"),
    pytest.param({"protocol": 2, "client_name": "worker-1"}, id="resp2-name"),
    pytest.param({"protocol": 3, "client_name": "worker-1"}, id="resp3-name"),
    pytest.param({"protocol": 2, "db": 3}, id="resp2-db3"),
    pytest.param({"protocol": 3, "db": 3}, id="resp3-db3"),
    pytest.param({"protocol": 3, "lib_name": "mylib", "lib_version": "1.2"}, id="resp3-lib"),
    pytest.param({"protocol": 2, "lib_name": None, "lib_version": None}, id="resp2-no-lib"),
]


@pytest.mark.parametrize("options", HANDSHAKES)
def test_sync_redis_py_handshake_connects_and_set_get_works(server: RunningServer, options: dict) -> None:
    with redis.Redis(host=server.host, port=server.port, **options) as client:
        assert client.set("greeting", "hello") is True
        assert client.get("greeting") == b"hello"
        if options.get("client_name"):
            # redis-py decodes the name in RESP2 only.
            assert client.client_getname() in (options["client_name"], options["client_name"].encode())
        if options.get("db"):
            assert int(client.client_info()["db"]) == options["db"]


@pytest.mark.parametrize("options", HANDSHAKES)
def test_asyncio_redis_py_handshake_connects_and_set_get_works(server: RunningServer, options: dict) -> None:
    import asyncio

    async def scenario() -> bytes | None:
        client = redis.asyncio.Redis(host=server.host, port=server.port, **options)
        try:
            await client.set("greeting", "async")
            return await client.get("greeting")
        finally:
            await client.aclose()

    assert asyncio.run(scenario()) == b"async"


def test_client_setinfo_from_the_handshake_shows_in_client_info(target: str, server: RunningServer) -> None:
    with redis.Redis(host=server.host, port=server.port, lib_name="mylib", lib_version="9.9") as client:
        info = client.client_info()
    if target == "redis":
        # CLIENT SETINFO exists from Redis 7.2; 7.0 refuses it and redis-py ignores that.
        assert "lib-name" not in info
    else:
        assert (info["lib-name"], info["lib-ver"]) == ("mylib", "9.9")


@pytest.mark.parametrize(
    "command, reply",
    [
        (b"CLIENT MAINT_NOTIFICATIONS on moving-endpoint-type internal-ip\r\n",
         b"-ERR unknown subcommand 'MAINT_NOTIFICATIONS'. Try CLIENT HELP.\r\n"),
        (b"CLIENT NOSUCH\r\n", b"-ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP.\r\n"),
        (b"client trackinginfo2 x\r\n", b"-ERR unknown subcommand 'trackinginfo2'. Try CLIENT HELP.\r\n"),
    ],
)
def test_unknown_client_subcommands_error_and_keep_the_connection(
    raw: RawConnection, command: bytes, reply: bytes
) -> None:
    raw.send(command + b"PING\r\n")
    assert raw.read_line() == reply
    assert raw.read_line() == b"+PONG\r\n"


# -- HELLO --------------------------------------------------------------------
def hello_map(raw: RawConnection, command: bytes) -> dict[bytes, bytes]:
    """Read HELLO's reply (RESP2 array or RESP3 map) as {field: first line of value}."""
    raw.send(command)
    header = raw.read_line()
    count = int(header[1:-2]) // (2 if header.startswith(b"*") else 1)
    fields = {}
    for _ in range(count):
        raw.read_line()
        name = raw.read_line()[:-2]
        value = raw.read_line()
        if value.startswith(b"$"):
            value = raw.read_line()
        elif value.startswith(b"*"):
            value = b"<array>"
        fields[name] = value.rstrip(b"\r\n").lstrip(b":")
    return fields


@pytest.mark.parametrize("command, proto", [(b"HELLO\r\n", b"2"), (b"HELLO 2\r\n", b"2"), (b"HELLO 3\r\n", b"3")])
def test_hello_reports_server_version_and_protocol(raw: RawConnection, command: bytes, proto: bytes) -> None:
    fields = hello_map(raw, command)
    assert list(fields) == [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]
    assert fields[b"server"] == b"redis"
    assert fields[b"version"] == b"7.0.15"
    assert fields[b"proto"] == proto
    assert fields[b"mode"] == b"standalone"
    assert fields[b"role"] == b"master"


def test_hello_3_switches_replies_to_resp3(raw: RawConnection) -> None:
    hello_map(raw, b"HELLO 3\r\n")
    raw.send(b"GET nosuch\r\nCONFIG GET hz\r\n")
    assert raw.read_line() == b"_\r\n"
    assert raw.read_exactly(b"%1\r\n$2\r\nhz\r\n$2\r\n10\r\n") == b"%1\r\n$2\r\nhz\r\n$2\r\n10\r\n"


def test_hello_setname_names_the_connection(raw: RawConnection) -> None:
    hello_map(raw, b"HELLO 2 SETNAME handshake\r\n")
    raw.send(b"CLIENT GETNAME\r\n")
    assert raw.read_line() == b"$9\r\n"
    assert raw.read_line() == b"handshake\r\n"


@pytest.mark.parametrize(
    "command, reply",
    [
        (b"HELLO 4", b"-NOPROTO unsupported protocol version"),
        (b"HELLO 1", b"-NOPROTO unsupported protocol version"),
        (b"HELLO abc", b"-ERR Protocol version is not an integer or out of range"),
        (b"HELLO 3 FOO", b"-ERR Syntax error in HELLO option 'FOO'"),
        (b"HELLO 3 AUTH onlyuser", b"-ERR Syntax error in HELLO option 'AUTH'"),
        (b"HELLO 2 SETNAME", b"-ERR Syntax error in HELLO option 'SETNAME'"),
        (b'HELLO 3 SETNAME "a b"', b"-ERR Client names cannot contain spaces, newlines or special characters."),
        (b"HELLO 3 AUTH nobody x", b"-WRONGPASS invalid username-password pair or user is disabled."),
    ],
)
def test_hello_errors(raw: RawConnection, command: bytes, reply: bytes) -> None:
    raw.send(command + b"\r\nPING\r\n")
    assert raw.read_line() == reply + b"\r\n"
    assert raw.read_line() == b"+PONG\r\n"


def test_a_failed_hello_keeps_the_protocol(raw: RawConnection) -> None:
    raw.send(b"HELLO 4\r\nGET nosuch\r\n")
    assert raw.read_line() == b"-NOPROTO unsupported protocol version\r\n"
    assert raw.read_line() == b"$-1\r\n"


# -- AUTH -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "command, reply",
    [
        (b"AUTH x", b"-ERR AUTH <password> called without any password configured for the default user. "
                    b"Are you sure your configuration is correct?"),
        # Without requirepass the default user takes any password.
        (b"AUTH default x", b"+OK"),
        (b"AUTH someone x", b"-WRONGPASS invalid username-password pair or user is disabled."),
        (b"AUTH a b c", b"-ERR syntax error"),
        (b"AUTH", b"-ERR wrong number of arguments for 'auth' command"),
    ],
)
def test_auth_without_requirepass(raw: RawConnection, command: bytes, reply: bytes) -> None:
    raw.send(command + b"\r\n")
    assert raw.read_line() == reply + b"\r\n"


def test_commands_before_auth_get_noauth(locked: RunningServer) -> None:
    raw = RawConnection(locked.port)
    try:
        raw.send(b"GET a\r\nCONFIG GET hz\r\nHELLO 3\r\nPING\r\n")
        assert raw.read_line() == b"-NOAUTH Authentication required.\r\n"
        assert raw.read_line() == b"-NOAUTH Authentication required.\r\n"
        assert raw.read_line() == (
            b"-NOAUTH HELLO must be called with the client already authenticated, otherwise the "
            b"HELLO AUTH <user> <pass> option can be used to authenticate the client and "
            b"select the RESP protocol version at the same time\r\n"
        )
        assert raw.read_line() == b"-NOAUTH Authentication required.\r\n"
    finally:
        raw.close()


@pytest.mark.parametrize(
    "command, reply",
    [
        (b"AUTH wrong", b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"),
        (b'AUTH "s3cret pass"', b"+OK\r\n"),
        (b'AUTH default "s3cret pass"', b"+OK\r\n"),
        (b'AUTH other "s3cret pass"', b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"),
    ],
)
def test_auth_with_requirepass(locked: RunningServer, command: bytes, reply: bytes) -> None:
    raw = RawConnection(locked.port)
    try:
        raw.send(command + b"\r\nPING\r\n")
        assert raw.read_line() == reply
        expected = b"+PONG\r\n" if reply == b"+OK\r\n" else b"-NOAUTH Authentication required.\r\n"
        assert raw.read_line() == expected
    finally:
        raw.close()


def test_redis_py_with_password_connects_in_both_protocols(locked: RunningServer) -> None:
    for protocol in (2, 3):
        with redis.Redis(host=locked.host, port=locked.port, password=PASSWORD, protocol=protocol) as client:
            assert client.set("k", "v") is True
            assert client.get("k") == b"v"


def test_redis_py_with_a_wrong_password_fails(locked: RunningServer) -> None:
    with pytest.raises(redis.AuthenticationError):
        with redis.Redis(host=locked.host, port=locked.port, password="nope", protocol=3) as client:
            client.ping()


def test_hello_auth_authenticates_and_switches_protocol(locked: RunningServer) -> None:
    raw = RawConnection(locked.port)
    try:
        fields = hello_map(raw, b'HELLO 3 AUTH default "s3cret pass" SETNAME n1\r\n')
        assert fields[b"proto"] == b"3"
        raw.send(b"CLIENT GETNAME\r\n")
        assert raw.read_line() == b"$2\r\n"
    finally:
        raw.close()


def test_reset_drops_authentication(locked: RunningServer) -> None:
    raw = RawConnection(locked.port)
    try:
        raw.send(b'AUTH "s3cret pass"\r\nRESET\r\nPING\r\n')
        assert raw.read_line() == b"+OK\r\n"
        assert raw.read_line() == b"+RESET\r\n"
        assert raw.read_line() == b"-NOAUTH Authentication required.\r\n"
    finally:
        raw.close()


# -- PING / ECHO / SELECT / RESET / QUIT ------------------------------------------
@pytest.mark.parametrize(
    "command, reply",
    [
        (b"PING", b"+PONG\r\n"),
        (b"PING hi", b"$2\r\nhi\r\n"),
        (b"PING a b", b"-ERR wrong number of arguments for 'ping' command\r\n"),
        (b"ECHO hello", b"$5\r\nhello\r\n"),
        (b"ECHO", b"-ERR wrong number of arguments for 'echo' command\r\n"),
        (b"SELECT 15", b"+OK\r\n"),
        (b"SELECT 16", b"-ERR DB index is out of range\r\n"),
        (b"SELECT -1", b"-ERR DB index is out of range\r\n"),
        (b"SELECT x", b"-ERR value is not an integer or out of range\r\n"),
        (b"RESET", b"+RESET\r\n"),
        (b"RESET x", b"-ERR wrong number of arguments for 'reset' command\r\n"),
    ],
)
def test_connection_command_replies(raw: RawConnection, command: bytes, reply: bytes) -> None:
    raw.send(command + b"\r\n")
    assert raw.read_exactly(reply) == reply


def test_reset_restores_db_protocol_and_name(raw: RawConnection) -> None:
    raw.send(b"SELECT 2\r\nCLIENT SETNAME x\r\nMULTI\r\nRESET\r\nCLIENT GETNAME\r\nCLIENT INFO\r\n")
    for expected in (b"+OK\r\n", b"+OK\r\n", b"+OK\r\n", b"+RESET\r\n", b"$-1\r\n"):
        assert raw.read_line() == expected
    raw.read_line()
    assert b" db=0 " in raw.read_line()


def test_quit_replies_ok_and_closes(raw: RawConnection) -> None:
    raw.send(b"QUIT\r\nPING\r\n")
    assert raw.read_line() == b"+OK\r\n"
    assert raw.is_closed()
    assert raw.buffer == b""


def test_select_is_per_connection(server: RunningServer, r: redis.Redis) -> None:
    with redis.Redis(host=server.host, port=server.port, db=1) as other:
        other.set("k", "in-db-1")
        assert r.get("k") is None
        assert other.get("k") == b"in-db-1"
