"""Blocking XREADGROUP with several consumers, against shardis and
redis-server 7.0: consumers blocked on one group are served in the order
they blocked and each gets different entries; a consumer that disconnects
while blocked is forgotten; a group destroyed under a blocked consumer
answers it with Redis's NOGROUP text. No fixed sleeps: the tests poll
``blocked_clients`` with a generous deadline."""

from __future__ import annotations

import threading
import time
from typing import Any

import redis

from tests.compat.conftest import RawConnection

GROUP_GONE = "NOGROUP the consumer group this client was blocked on no longer exists"


def _wait_for_blocked(client: redis.Redis, count: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if client.info("clients").get("blocked_clients", 0) == count:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"never saw exactly {count} blocked client(s)")


def _plain(client: redis.Redis) -> redis.Redis:
    client.response_callbacks.clear()
    return client


class BlockedRead:
    """One consumer's blocking command on its own connection and thread."""

    def __init__(self, server: Any, *argv: str) -> None:
        self.client = _plain(redis.Redis(host=server.host, port=server.port, protocol=2))
        self.replies: list[Any] = []
        self.thread = threading.Thread(target=self._run, args=(argv,))
        self.thread.start()

    def _run(self, argv: tuple[str, ...]) -> None:
        try:
            self.replies.append(self.client.execute_command(*argv))
        except redis.ResponseError as error:
            self.replies.append(("error", str(error)))

    def result(self) -> Any:
        self.thread.join(10)
        assert not self.thread.is_alive(), "the blocked read was never answered"
        self.client.close()
        return self.replies[0]


def _read_group(server: Any, consumer: str, *options: str) -> BlockedRead:
    return BlockedRead(server, "XREADGROUP", "GROUP", "g", consumer, *options, "BLOCK", "0", "STREAMS", "s", ">")


def _entry(entry_id: bytes, value: bytes) -> list[Any]:
    return [[b"s", [[entry_id, [b"f", value]]]]]


def test_two_blocked_consumers_get_different_entries_in_the_order_they_blocked(server: Any, r: redis.Redis) -> None:
    r.execute_command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    first = _read_group(server, "alice")
    _wait_for_blocked(r, 1)
    second = _read_group(server, "bob")
    _wait_for_blocked(r, 2)
    r.execute_command("XADD", "s", "1-1", "f", "one")
    assert first.result() == _entry(b"1-1", b"one")
    _wait_for_blocked(r, 1)
    r.execute_command("XADD", "s", "2-1", "f", "two")
    assert second.result() == _entry(b"2-1", b"two")
    assert _plain(r).execute_command("XPENDING", "s", "g") == [2, b"1-1", b"2-1", [[b"alice", b"1"], [b"bob", b"1"]]]


def test_one_transaction_of_two_entries_feeds_two_blocked_consumers_reading_one_each(
    server: Any, r: redis.Redis
) -> None:
    r.execute_command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    first = _read_group(server, "alice", "COUNT", "1")
    _wait_for_blocked(r, 1)
    second = _read_group(server, "bob", "COUNT", "1")
    _wait_for_blocked(r, 2)
    with r.pipeline(transaction=True) as pipe:
        pipe.execute_command("XADD", "s", "1-1", "f", "one")
        pipe.execute_command("XADD", "s", "2-1", "f", "two")
        pipe.execute()
    assert first.result() == _entry(b"1-1", b"one")
    assert second.result() == _entry(b"2-1", b"two")


def test_a_consumer_that_disconnects_while_blocked_is_forgotten(server: Any, r: redis.Redis) -> None:
    r.execute_command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    gone = RawConnection(server.port)
    gone.send(b"XREADGROUP GROUP g alice BLOCK 0 STREAMS s >\r\n")
    _wait_for_blocked(r, 1)
    staying = _read_group(server, "bob")
    _wait_for_blocked(r, 2)
    gone.close()
    _wait_for_blocked(r, 1)
    r.execute_command("XADD", "s", "1-1", "f", "one")
    assert staying.result() == _entry(b"1-1", b"one")
    assert r.info("clients")["blocked_clients"] == 0
    assert _plain(r).execute_command("XPENDING", "s", "g") == [1, b"1-1", b"1-1", [[b"bob", b"1"]]]
    consumers = _plain(r).execute_command("XINFO", "CONSUMERS", "s", "g")
    # Redis 7.0 creates a consumer only when a read serves it: the one that left was never created.
    assert [(fields[1], fields[3]) for fields in consumers] == [(b"bob", 1)]


def test_a_group_destroyed_under_a_blocked_consumer_answers_nogroup(server: Any, r: redis.Redis) -> None:
    r.execute_command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    blocked = _read_group(server, "alice")
    _wait_for_blocked(r, 1)
    assert r.execute_command("XGROUP", "DESTROY", "s", "g") == 1
    assert blocked.result() == ("error", GROUP_GONE)
    assert r.info("clients")["blocked_clients"] == 0
