"""MULTI / EXEC / DISCARD / WATCH / UNWATCH with Redis semantics."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from tests.compat.conftest import RawConnection
from tests.servers import RunningServer


def run(raw: RawConnection, *lines: bytes) -> None:
    raw.send(b"".join(line + b"\r\n" for line in lines))


def expect(raw: RawConnection, *replies: bytes) -> None:
    for reply in replies:
        assert raw.read_exactly(reply) == reply


@pytest.mark.parametrize(
    "lines, replies",
    [
        ([b"EXEC"], [b"-ERR EXEC without MULTI\r\n"]),
        ([b"DISCARD"], [b"-ERR DISCARD without MULTI\r\n"]),
        ([b"MULTI", b"MULTI", b"EXEC"], [b"+OK\r\n", b"-ERR MULTI calls can not be nested\r\n", b"*0\r\n"]),
        ([b"MULTI", b"WATCH k", b"EXEC"], [b"+OK\r\n", b"-ERR WATCH inside MULTI is not allowed\r\n", b"*0\r\n"]),
        ([b"MULTI", b"SET k v", b"GET k", b"EXEC"],
         [b"+OK\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n", b"*2\r\n+OK\r\n$1\r\nv\r\n"]),
        ([b"MULTI", b"SET k v", b"DISCARD", b"GET k"],
         [b"+OK\r\n", b"+QUEUED\r\n", b"+OK\r\n", b"$-1\r\n"]),
        ([b"MULTI", b"SET k v", b"NOSUCH", b"GET k", b"EXEC", b"GET k"],
         [b"+OK\r\n", b"+QUEUED\r\n", b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n",
          b"+QUEUED\r\n", b"-EXECABORT Transaction discarded because of previous errors.\r\n", b"$-1\r\n"]),
        ([b"MULTI", b"SET k", b"EXEC"],
         [b"+OK\r\n", b"-ERR wrong number of arguments for 'set' command\r\n",
          b"-EXECABORT Transaction discarded because of previous errors.\r\n"]),
        ([b"SET s text", b"MULTI", b"INCR s", b"SET t 1", b"INCR t", b"EXEC"],
         [b"+OK\r\n", b"+OK\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n",
          b"*3\r\n-ERR value is not an integer or out of range\r\n+OK\r\n:2\r\n"]),
        ([b"MULTI", b"SELECT 1", b"SET k one", b"SELECT 0", b"GET k", b"EXEC", b"SELECT 1", b"GET k"],
         [b"+OK\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n",
          b"*4\r\n+OK\r\n+OK\r\n+OK\r\n$-1\r\n", b"+OK\r\n", b"$3\r\none\r\n"]),
        ([b"MULTI", b"SELECT 1", b"EXEC", b"SET k in1", b"SELECT 1", b"GET k"],
         [b"+OK\r\n", b"+QUEUED\r\n", b"*1\r\n+OK\r\n", b"+OK\r\n", b"+OK\r\n", b"$3\r\nin1\r\n"]),
        ([b"MULTI", b"EXEC"], [b"+OK\r\n", b"*0\r\n"]),
        ([b"MULTI", b"PING", b"ECHO hi", b"EXEC"], [b"+OK\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n", b"*2\r\n+PONG\r\n$2\r\nhi\r\n"]),
        ([b"UNWATCH"], [b"+OK\r\n"]),
    ],
)
def test_transaction_replies(raw: RawConnection, lines: list[bytes], replies: list[bytes]) -> None:
    run(raw, *lines)
    expect(raw, *replies)


def test_redis_py_transaction_pipeline(rp: redis.Redis) -> None:
    with rp.pipeline(transaction=True) as pipe:
        pipe.set("a", 1).incr("a").get("a")
        assert pipe.execute() == [True, 2, b"2"]


@pytest.mark.parametrize(
    "breaker",
    [
        pytest.param(lambda other: other.set("w", "changed"), id="write"),
        pytest.param(lambda other: other.delete("w"), id="delete"),
        pytest.param(lambda other: other.expire("w", 100), id="expire-set"),
        pytest.param(lambda other: other.flushdb(), id="flushdb"),
        pytest.param(lambda other: other.flushall(), id="flushall"),
        pytest.param(lambda other: other.swapdb(0, 1), id="swapdb"),
    ],
)
def test_watch_is_broken_by_another_client(server: RunningServer, raw: RawConnection, breaker) -> None:
    run(raw, b"SET w original", b"WATCH w")
    expect(raw, b"+OK\r\n", b"+OK\r\n")
    with redis.Redis(host=server.host, port=server.port) as other:
        breaker(other)
    run(raw, b"MULTI", b"SET w mine", b"EXEC")
    expect(raw, b"+OK\r\n", b"+QUEUED\r\n", b"*-1\r\n")


def test_watch_on_a_missing_key_broken_by_its_creation(server: RunningServer, raw: RawConnection) -> None:
    run(raw, b"WATCH fresh")
    expect(raw, b"+OK\r\n")
    with redis.Redis(host=server.host, port=server.port) as other:
        other.set("fresh", "1")
    run(raw, b"MULTI", b"GET fresh", b"EXEC")
    expect(raw, b"+OK\r\n", b"+QUEUED\r\n", b"*-1\r\n")


def test_watch_is_broken_by_expiry_before_exec(raw: RawConnection) -> None:
    run(raw, b"DEBUG SET-ACTIVE-EXPIRE 0", b"SET w v PX 50", b"WATCH w")
    expect(raw, b"+OK\r\n", b"+OK\r\n", b"+OK\r\n")
    time.sleep(0.15)
    run(raw, b"MULTI", b"GET w", b"EXEC", b"DEBUG SET-ACTIVE-EXPIRE 1")
    expect(raw, b"+OK\r\n", b"+QUEUED\r\n", b"*-1\r\n", b"+OK\r\n")


def test_watch_holds_when_nothing_changed(raw: RawConnection) -> None:
    run(raw, b"SET w v", b"WATCH w", b"GET w", b"MULTI", b"SET w mine", b"EXEC")
    expect(raw, b"+OK\r\n", b"+OK\r\n", b"$1\r\nv\r\n", b"+OK\r\n", b"+QUEUED\r\n", b"*1\r\n+OK\r\n")


def test_unwatch_and_discard_forget_the_watches(server: RunningServer, raw: RawConnection) -> None:
    run(raw, b"SET w v", b"WATCH w", b"UNWATCH")
    expect(raw, b"+OK\r\n", b"+OK\r\n", b"+OK\r\n")
    with redis.Redis(host=server.host, port=server.port) as other:
        other.set("w", "changed")
    run(raw, b"MULTI", b"GET w", b"EXEC")
    expect(raw, b"+OK\r\n", b"+QUEUED\r\n", b"*1\r\n$7\r\nchanged\r\n")


def test_exec_releases_the_watches_of_an_aborted_transaction(server: RunningServer, raw: RawConnection) -> None:
    run(raw, b"WATCH w", b"SET w v", b"MULTI", b"EXEC", b"MULTI", b"SET w again", b"EXEC")
    expect(raw, b"+OK\r\n", b"+OK\r\n", b"+OK\r\n", b"*-1\r\n", b"+OK\r\n", b"+QUEUED\r\n", b"*1\r\n+OK\r\n")


def test_multi_across_shards_is_never_seen_half_done(server: RunningServer) -> None:
    """Keys ``a`` and ``b`` sit on different shards with SHARDIS_SHARDS=4; an
    observer must always read a == b while another client increments both."""
    stop = threading.Event()
    failures: list[tuple[bytes, bytes]] = []

    def writer() -> None:
        with redis.Redis(host=server.host, port=server.port) as client:
            while not stop.is_set():
                with client.pipeline(transaction=True) as pipe:
                    pipe.incr("a").incr("b").execute()

    with redis.Redis(host=server.host, port=server.port) as observer:
        observer.mset({"a": 0, "b": 0})
        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        deadline = time.monotonic() + 1.0
        reads = 0
        try:
            while time.monotonic() < deadline:
                a, b = observer.mget("a", "b")
                reads += 1
                if a != b:
                    failures.append((a, b))
        finally:
            stop.set()
            thread.join(5)
        assert failures == []
        assert reads > 10
        assert int(observer.get("a")) > 0
