"""Blocking commands through the actors: timeouts, CLIENT UNBLOCK, order of
service, disconnects, MULTI, and keys on several shards."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from tests.compat.conftest import RawConnection


def wait_for_blocked(client: redis.Redis, count: int = 1) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if client.info("clients").get("blocked_clients", 0) >= count:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"never saw {count} blocked client(s)")


def blocked_call(server, *command: bytes) -> tuple[RawConnection, threading.Thread, list]:
    """Send a blocking command on a raw connection; the reply line lands in the list."""
    connection = RawConnection(server.port)
    connection.send(b"".join(b"$%d\r\n%s\r\n" % (len(part), part) for part in command).join(
        [b"*%d\r\n" % len(command), b""]
    ))
    replies: list = []
    thread = threading.Thread(target=lambda: replies.append(connection.read_line()))
    thread.start()
    return connection, thread, replies


def test_a_timeout_answers_with_a_null_array(r: redis.Redis) -> None:
    started = time.monotonic()
    assert r.blpop(["nothing"], timeout=0.2) is None
    assert 0.15 <= time.monotonic() - started < 5  # time is the behaviour here


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(b"TIMEOUT", b"*-1\r\n"), (b"ERROR", b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")],
)
def test_client_unblock_answers_the_blocked_client(server, r: redis.Redis, mode: bytes, expected: bytes) -> None:
    connection, thread, replies = blocked_call(server, b"CLIENT", b"ID")
    thread.join(10)
    client_id = int(replies[0][1:])
    connection.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")
    waiter = threading.Thread(target=lambda: replies.append(connection.read_line()))
    waiter.start()
    wait_for_blocked(r)
    assert r.execute_command("CLIENT", "UNBLOCK", client_id, mode) == 1
    waiter.join(10)
    assert replies[1] == expected
    assert r.execute_command("CLIENT", "UNBLOCK", client_id) == 0
    connection.close()


def test_client_unblock_rejects_an_unknown_reason(r: redis.Redis) -> None:
    with pytest.raises(redis.ResponseError, match="^CLIENT UNBLOCK reason should be TIMEOUT or ERROR$"):
        r.execute_command("CLIENT", "UNBLOCK", 1, "LATER")


def test_blocked_clients_are_served_in_the_order_they_blocked(server, r: redis.Redis) -> None:
    first = blocked_call(server, b"BLPOP", b"q", b"5")
    wait_for_blocked(r, 1)
    second = blocked_call(server, b"BLPOP", b"q", b"5")
    wait_for_blocked(r, 2)
    r.rpush("q", "one", "two")
    for connection, thread, _ in (first, second):
        thread.join(10)
    assert first[2] == [b"*2\r\n"] and first[0].read_line() == b"$1\r\n" and first[0].read_line() == b"q\r\n"
    assert first[0].read_line() == b"$3\r\n" and first[0].read_line() == b"one\r\n"
    second[0].read_line(), second[0].read_line(), second[0].read_line()
    assert second[0].read_line() == b"two\r\n"
    for connection, _, _ in (first, second):
        connection.close()


def test_a_disconnected_waiter_is_forgotten(server, r: redis.Redis) -> None:
    connection, thread, _ = blocked_call(server, b"BLPOP", b"q", b"0")
    wait_for_blocked(r)
    connection.close()
    thread.join(10)
    deadline = time.monotonic() + 10
    while r.info("clients")["blocked_clients"] and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    r.rpush("q", "kept")
    assert r.lrange("q", 0, -1) == [b"kept"]


def test_blocking_commands_inside_multi_answer_at_once(r: redis.Redis) -> None:
    with r.pipeline(transaction=True) as pipe:
        pipe.blpop(["nothing"], timeout=0)
        pipe.brpoplpush("nothing", "dest", timeout=0)
        assert pipe.execute() == [None, None]


def test_a_blocking_pop_over_keys_on_several_shards_is_woken_by_either(server, r: redis.Redis) -> None:
    connection, thread, replies = blocked_call(server, b"BLPOP", b"left", b"right", b"5")
    wait_for_blocked(r)
    r.rpush("right", "value")
    thread.join(10)
    assert replies == [b"*2\r\n"]
    assert [connection.read_line() for _ in range(4)] == [b"$5\r\n", b"right\r\n", b"$5\r\n", b"value\r\n"]
    assert r.exists("right") == 0
    connection.close()
