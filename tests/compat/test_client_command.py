"""CLIENT subcommands: ID, INFO, LIST, KILL, SETNAME/GETNAME, REPLY, PAUSE/UNPAUSE,
NO-EVICT, HELP — replies and error texts as Redis 7.0."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from tests.compat.conftest import RawConnection
from tests.servers import RunningServer

# Redis 7.0.15's CLIENT LIST fields, in order; shardis adds 7.2's lib-name / lib-ver.
FIELDS_70 = [
    "id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub",
    "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
    "tot-mem", "events", "cmd", "user", "redir", "resp",
]


def fields_of(line: bytes) -> dict[str, str]:
    return dict(part.split("=", 1) for part in line.decode().strip().split(" "))


def test_client_info_has_redis_fields_in_order(target: str, raw: RawConnection) -> None:
    raw.send(b"CLIENT INFO\r\n")
    raw.read_line()
    line = raw.read_line()[:-2]
    assert line.endswith(b"\n")
    keys = list(fields_of(line))
    expected = FIELDS_70 if target == "redis" else FIELDS_70 + ["lib-name", "lib-ver"]
    assert keys == expected
    info = fields_of(line)
    assert (info["cmd"], info["user"], info["flags"], info["db"], info["resp"]) == (
        "client|info", "default", "N", "0", "2")


def test_client_list_shows_every_connection_with_its_name(server: RunningServer, r: redis.Redis) -> None:
    with redis.Redis(host=server.host, port=server.port, client_name="other") as other:
        other_id = other.client_id()
        by_id = {int(entry["id"]): entry for entry in r.client_list()}
        assert by_id[other_id]["name"] == "other"
        assert by_id[r.client_id()]["cmd"] == "client|list"
        only = r.client_list(client_id=[other_id, 999999])
        assert [int(entry["id"]) for entry in only] == [other_id]


@pytest.mark.parametrize(
    "command, reply",
    [
        (b"CLIENT LIST TYPE foo", b"-ERR Unknown client type 'foo'\r\n"),
        (b"CLIENT LIST ID abc", b"-ERR Invalid client ID\r\n"),
        (b"CLIENT LIST ID 0", b"$0\r\n\r\n"),
        (b"CLIENT LIST FOO", b"-ERR syntax error\r\n"),
        (b"CLIENT LIST TYPE pubsub", b"$0\r\n\r\n"),
        (b"CLIENT ID 1", b"-ERR wrong number of arguments for 'client|id' command\r\n"),
        (b'CLIENT SETNAME "a b"', b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"),
        (b'CLIENT SETNAME "a\\nb"', b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"),
        (b"CLIENT GETNAME", b"$-1\r\n"),
        (b"CLIENT REPLY FOO", b"-ERR syntax error\r\n"),
        (b"CLIENT PAUSE abc", b"-ERR timeout is not an integer or out of range\r\n"),
        (b"CLIENT PAUSE -1", b"-ERR timeout is negative\r\n"),
        (b"CLIENT PAUSE 10 FOO", b"-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"),
        (b"CLIENT pause 10 write x",
         b"-ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.\r\n"),
        (b"CLIENT NO-EVICT maybe", b"-ERR syntax error\r\n"),
        (b"CLIENT NO-EVICT on", b"+OK\r\n"),
        (b"CLIENT UNPAUSE", b"+OK\r\n"),
        (b"CLIENT KILL 1.2.3.4:5", b"-ERR No such client\r\n"),
        (b"CLIENT KILL ID 99999", b":0\r\n"),
        (b"CLIENT KILL ID abc", b"-ERR client-id should be greater than 0\r\n"),
        (b"CLIENT KILL ID 0", b"-ERR client-id should be greater than 0\r\n"),
        (b"CLIENT KILL FOO bar", b"-ERR syntax error\r\n"),
        (b"CLIENT KILL SKIPME maybe", b"-ERR syntax error\r\n"),
        (b"CLIENT KILL TYPE foo", b"-ERR Unknown client type 'foo'\r\n"),
        (b"CLIENT KILL USER nobody", b"-ERR No such user 'nobody'\r\n"),
        (b"CLIENT KILL ADDR 1.1.1.1:1", b":0\r\n"),
        (b"CLIENT KILL LADDR 1.1.1.1:1", b":0\r\n"),
    ],
)
def test_client_replies_and_errors(raw: RawConnection, command: bytes, reply: bytes) -> None:
    raw.send(command + b"\r\nPING\r\n")
    assert raw.read_exactly(reply) == reply
    assert raw.read_line() == b"+PONG\r\n"


def test_client_setname_then_getname(r: redis.Redis) -> None:
    assert r.client_setname("job-7") is True
    assert r.client_getname() == "job-7"
    assert r.execute_command("CLIENT SETNAME", "") is True
    assert r.client_getname() is None


def test_client_no_evict_shows_the_e_flag(r: redis.Redis) -> None:
    r.execute_command("CLIENT NO-EVICT ON")
    assert r.client_info()["flags"] == "e"
    r.execute_command("CLIENT NO-EVICT OFF")
    assert r.client_info()["flags"] == "N"


def test_client_setinfo_and_no_touch_exist_from_redis_7_2(target: str, raw: RawConnection) -> None:
    raw.send(b"CLIENT SETINFO LIB-NAME x\r\nCLIENT NO-TOUCH on\r\nCLIENT SETINFO FOO x\r\n")
    if target == "redis":  # 7.0 has neither subcommand
        assert raw.read_line() == b"-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n"
        assert raw.read_line() == b"-ERR unknown subcommand 'NO-TOUCH'. Try CLIENT HELP.\r\n"
        assert raw.read_line() == b"-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n"
    else:
        assert raw.read_line() == b"+OK\r\n"
        assert raw.read_line() == b"+OK\r\n"
        assert raw.read_line() == b"-ERR Unrecognized option 'FOO'\r\n"


def test_client_help_lists_the_subcommands(r: redis.Redis) -> None:
    lines = [line.decode() if isinstance(line, bytes) else line for line in r.execute_command("CLIENT HELP")]
    assert lines[0] == "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert lines[-2:] == ["HELP", "    Prints this help."]
    for entry in ("ID", "INFO", "GETNAME", "SETNAME <name>", "KILL <ip:port>", "REPLY (ON|OFF|SKIP)",
                  "PAUSE <timeout> [WRITE|ALL]", "UNPAUSE", "NO-EVICT (ON|OFF)"):
        assert entry in lines


# -- REPLY ------------------------------------------------------------------------
def test_client_reply_off_sends_nothing_until_on(raw: RawConnection) -> None:
    raw.send(b"CLIENT REPLY OFF\r\nSET a 1\r\nGET a\r\nPING\r\n")
    raw.sock.settimeout(0.3)
    with pytest.raises(TimeoutError):
        raw.sock.recv(100)
    raw.send(b"CLIENT REPLY ON\r\nGET a\r\n")
    expected = b"+OK\r\n$1\r\n1\r\n"
    assert raw.read_exactly(expected) == expected


def test_client_reply_skip_drops_exactly_the_next_reply(raw: RawConnection) -> None:
    raw.send(b"CLIENT REPLY SKIP\r\nECHO dropped\r\nECHO kept\r\n")
    assert raw.read_line() == b"$4\r\n"
    assert raw.read_line() == b"kept\r\n"


def test_client_reply_skip_in_separate_sends(raw: RawConnection) -> None:
    raw.send(b"CLIENT REPLY SKIP\r\n")
    raw.send(b"ECHO dropped\r\n")
    raw.send(b"ECHO kept\r\n")
    assert raw.read_line() == b"$4\r\n"
    assert raw.read_line() == b"kept\r\n"


# -- KILL -------------------------------------------------------------------------
def test_client_kill_by_old_address_form_closes_that_connection(server: RunningServer, r: redis.Redis) -> None:
    victim = RawConnection(server.port)
    try:
        victim.send(b"CLIENT INFO\r\n")
        victim.read_line()
        addr = fields_of(victim.read_line())["addr"]
        assert r.execute_command("CLIENT KILL", addr) is True
        assert victim.is_closed()
    finally:
        victim.close()


@pytest.mark.parametrize("how", ["id", "addr", "laddr+skipme"])
def test_client_kill_with_filters_counts_and_closes(server: RunningServer, r: redis.Redis, how: str) -> None:
    victim = RawConnection(server.port)
    try:
        victim.send(b"CLIENT INFO\r\n")
        victim.read_line()
        info = fields_of(victim.read_line())
        if how == "id":
            args = ["ID", info["id"]]
        elif how == "addr":
            args = ["ADDR", info["addr"], "SKIPME", "yes"]
        else:
            args = ["LADDR", info["laddr"], "ID", info["id"], "SKIPME", "no"]
        assert r.execute_command("CLIENT KILL", *args) == 1
        assert victim.is_closed()
        assert r.ping() is True
    finally:
        victim.close()


def test_client_kill_skipme_no_kills_the_caller_too(server: RunningServer) -> None:
    caller = RawConnection(server.port)
    try:
        caller.send(b"CLIENT ID\r\n")
        own_id = caller.read_line()[1:-2]
        caller.send(b"CLIENT KILL ID " + own_id + b" SKIPME no\r\n")
        assert caller.read_line() == b":1\r\n"
        assert caller.is_closed()
    finally:
        caller.close()


def test_client_kill_maxage_is_a_redis_7_4_filter(target: str, server: RunningServer, r: redis.Redis) -> None:
    victim = RawConnection(server.port)
    try:
        victim.send(b"PING\r\n")
        victim.read_line()
        if target == "redis":  # 7.0 has no MAXAGE filter
            with pytest.raises(redis.ResponseError, match="syntax error"):
                r.execute_command("CLIENT KILL MAXAGE 0")
            return
        assert r.execute_command("CLIENT KILL MAXAGE 100000") == 0
        assert r.execute_command("CLIENT KILL MAXAGE 0") >= 1
        assert victim.is_closed()
    finally:
        victim.close()


# -- PAUSE ------------------------------------------------------------------------
def _set_in_thread(server: RunningServer, done: threading.Event) -> threading.Thread:
    def write() -> None:
        with redis.Redis(host=server.host, port=server.port, socket_timeout=10) as writer:
            writer.set("paused-key", "written")
        done.set()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("mode", ["WRITE", "ALL"])
def test_client_pause_blocks_writes_until_unpause(server: RunningServer, r: redis.Redis, mode: str) -> None:
    assert r.execute_command("CLIENT PAUSE", 10000, mode) is True
    try:
        done = threading.Event()
        thread = _set_in_thread(server, done)
        assert not done.wait(0.3)
    finally:
        assert r.execute_command("CLIENT UNPAUSE") == b"OK"
    assert done.wait(5)
    thread.join(5)
    assert r.get("paused-key") == b"written"


def test_client_pause_write_lets_reads_through(server: RunningServer, r: redis.Redis) -> None:
    r.set("k", "v")
    r.execute_command("CLIENT PAUSE", 10000, "WRITE")
    try:
        with redis.Redis(host=server.host, port=server.port, socket_timeout=2) as reader:
            assert reader.get("k") == b"v"
    finally:
        r.execute_command("CLIENT UNPAUSE")


def test_client_pause_ends_by_itself_after_the_timeout(server: RunningServer, r: redis.Redis) -> None:
    r.execute_command("CLIENT PAUSE", 200, "WRITE")
    started = time.monotonic()
    with redis.Redis(host=server.host, port=server.port, socket_timeout=5) as writer:
        writer.set("k", "v")
    assert 0.1 <= time.monotonic() - started < 3
