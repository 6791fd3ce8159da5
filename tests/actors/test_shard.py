"""The shard actor (actors/shard.py), driven by messages on its inbox."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

import pytest
import trio
import trio.testing

from protocol.resp.values import OK, ErrorReply

from actors.clock import TrioClock
from actors.engine.context import ClientState
from actors.engine.dispatch import HANDLERS
from actors.messages import (
    Atomic,
    Batch,
    Lease,
    SetActiveExpire,
    StatisticsRequest,
    Unwatch,
    Watch,
    WatchedKey,
)
from actors.shard import INTERNAL_ERROR, Shard, ShardStatistics

from tests.actors.conftest import make_config

CLIENT = ClientState()


@pytest.fixture
async def shard(nursery: trio.Nursery) -> AsyncIterator[Shard]:
    shard = Shard.create(0, make_config(), TrioClock())
    await nursery.start(shard.run)
    yield shard


@pytest.fixture
def replies() -> tuple[trio.MemorySendChannel[Any], trio.MemoryReceiveChannel[Any]]:
    return trio.open_memory_channel[Any](math.inf)


def batch(*argvs: list[bytes], db: int = 0, reply_to: Any) -> Batch:
    return Batch([(db, argv[0].decode().lower(), argv) for argv in argvs], CLIENT, reply_to)


async def test_a_batch_is_answered_with_its_replies_in_order(
    autojump_clock: trio.testing.MockClock, shard: Shard, replies: Any
) -> None:
    send, receive = replies
    await shard.inbox_send.send(
        batch(
            [b"SET", b"k", b"1"],
            [b"INCR", b"k"],
            [b"GET", b"k"],
            [b"SET", b"text", b"abc"],
            [b"INCR", b"text"],
            [b"GET", b"missing"],
            reply_to=send,
        )
    )
    assert await receive.receive() == [
        OK,
        2,
        b"2",
        OK,
        ErrorReply("ERR value is not an integer or out of range"),
        None,
    ]


async def test_batches_run_against_the_database_each_command_names(
    autojump_clock: trio.testing.MockClock, shard: Shard, replies: Any
) -> None:
    send, receive = replies
    await shard.inbox_send.send(
        Batch([(3, "set", [b"SET", b"k", b"three"]), (0, "get", [b"GET", b"k"])], CLIENT, send)
    )
    assert await receive.receive() == [OK, None]
    assert shard.keyspace.db(3).data == {b"k": b"three"}


async def test_queued_batches_are_drained_in_one_wake_up(
    autojump_clock: trio.testing.MockClock, shard: Shard, replies: Any
) -> None:
    send, receive = replies
    await trio.testing.wait_all_tasks_blocked()
    steps: list[str] = []

    class CountShardSteps(trio.abc.Instrument):
        def before_task_step(self, task: trio.lowlevel.Task) -> None:
            if task.name.endswith("Shard.run"):
                steps.append(task.name)

    instrument = CountShardSteps()
    trio.lowlevel.add_instrument(instrument)
    try:
        for index in range(5):
            shard.inbox_send.send_nowait(batch([b"INCR", b"n"], reply_to=send))
        await trio.testing.wait_all_tasks_blocked()
    finally:
        trio.lowlevel.remove_instrument(instrument)
    assert [receive.receive_nowait() for _ in range(5)] == [[1], [2], [3], [4], [5]]
    assert len(steps) == 1
    assert shard.statistics().batches == 5


async def test_a_lease_parks_the_shard_until_it_is_released(
    autojump_clock: trio.testing.MockClock, shard: Shard, replies: Any
) -> None:
    send, receive = replies
    released = trio.Event()
    await shard.inbox_send.send(Lease(send, released))
    assert await receive.receive() is shard
    shard.keyspace.db(0).store(b"k", b"written by the lessee")
    await shard.inbox_send.send(batch([b"GET", b"k"], reply_to=send))
    await trio.testing.wait_all_tasks_blocked()
    with pytest.raises(trio.WouldBlock):
        receive.receive_nowait()
    released.set()
    assert await receive.receive() == [b"written by the lessee"]
    assert shard.statistics().leases == 1


async def test_a_lease_released_before_the_shard_reads_it_is_skipped(
    autojump_clock: trio.testing.MockClock, shard: Shard, replies: Any
) -> None:
    send, receive = replies
    released = trio.Event()
    released.set()
    await shard.inbox_send.send(Lease(send, released))
    await shard.inbox_send.send(batch([b"GET", b"k"], reply_to=send))
    assert await receive.receive() == [None]  # the shard never handed itself over
    assert shard.statistics().leases == 0


async def test_active_expiry_removes_keys_as_virtual_time_passes_without_any_access(
    autojump_clock: trio.testing.MockClock, shard: Shard, replies: Any
) -> None:
    send, receive = replies
    await shard.inbox_send.send(
        batch(
            [b"SET", b"short", b"v", b"PX", b"500"],
            [b"SET", b"long", b"v", b"EX", b"60"],
            [b"SET", b"forever", b"v"],
            reply_to=send,
        )
    )
    await receive.receive()
    db = shard.keyspace.db(0)
    await trio.sleep(0.4)
    assert set(db.data) == {b"short", b"long", b"forever"}
    await trio.sleep(0.3)
    assert set(db.data) == {b"long", b"forever"}
    await trio.sleep(60)
    assert set(db.data) == {b"forever"}
    statistics = shard.statistics()
    assert statistics.expired_keys == 2
    assert statistics.expire_cycles >= 600  # hz 10 over 60.7 virtual seconds


@pytest.mark.parametrize(
    ("hz", "effort", "limits"),
    [
        (10, 1, (0.1, 0.010, 0.040)),  # Redis would give this cycle 25 ms
        (100, 1, (0.01, 0.0025, 0.01)),  # a quarter of the tick is under the cap
        (10, 10, (0.1, 0.010, 0.010 / 0.43)),  # effort 10: a 43% share
    ],
)
def test_an_expiry_cycle_gets_redis_share_of_time_in_stalls_of_at_most_ten_ms(
    hz: int, effort: int, limits: tuple[float, float, float]
) -> None:
    shard = Shard.create(0, make_config(hz=hz, **{"active-expire-effort": effort}), TrioClock())
    assert shard.expire_cycle_limits() == pytest.approx(limits)


async def test_a_cycle_cut_short_is_followed_sooner_than_the_next_tick(
    autojump_clock: trio.testing.MockClock, shard: Shard
) -> None:
    db = shard.keyspace.db(0)
    for index in range(50_000):  # far more than one cycle takes (64 rounds of 20)
        db.store_new(b"k%d" % index, b"v")
        db.set_expire(b"k%d" % index, 0)
    cycles_before = shard.statistics().expire_cycles
    await trio.sleep(1)
    assert db.size() > 0  # still behind, so every cycle was cut short
    assert shard.statistics().expire_cycles - cycles_before >= 20  # at hz 10 alone: 10


async def test_a_message_sent_to_a_parked_shard_unparks_it_until_the_shard_ran_it(
    autojump_clock: trio.testing.MockClock, shard: Shard
) -> None:
    await trio.testing.wait_all_tasks_blocked()
    assert shard.parked
    shard.inbox_send.send_nowait(SetActiveExpire(True))
    assert not shard.parked  # a connection must not run a batch ahead of it (0011)
    await trio.testing.wait_all_tasks_blocked()
    assert shard.parked


async def test_active_expiry_can_be_switched_off(
    autojump_clock: trio.testing.MockClock, shard: Shard, replies: Any
) -> None:
    send, receive = replies
    await shard.inbox_send.send(SetActiveExpire(False))
    await shard.inbox_send.send(batch([b"SET", b"k", b"v", b"PX", b"100"], reply_to=send))
    await receive.receive()
    await trio.sleep(5)
    assert b"k" in shard.keyspace.db(0).data  # only lazily expired now
    await shard.inbox_send.send(batch([b"EXISTS", b"k"], reply_to=send))
    assert await receive.receive() == [0]
    assert shard.statistics().expired_keys == 1


async def test_watch_replies_with_versions_and_writes_bump_them(
    autojump_clock: trio.testing.MockClock, shard: Shard, replies: Any
) -> None:
    send, receive = replies
    await shard.inbox_send.send(batch([b"SET", b"alive", b"v"], reply_to=send))
    await receive.receive()
    await shard.inbox_send.send(Watch(0, [b"alive", b"absent"], send))
    assert await receive.receive() == [
        WatchedKey(0, b"alive", 0, True),
        WatchedKey(0, b"absent", 0, False),
    ]
    await shard.inbox_send.send(batch([b"SET", b"alive", b"w"], reply_to=send))
    await receive.receive()
    db = shard.keyspace.db(0)
    assert db.watch_version(b"alive") == 1 and db.watch_version(b"absent") == 0
    await shard.inbox_send.send(Unwatch([(0, b"alive"), (0, b"absent")]))
    await trio.testing.wait_all_tasks_blocked()
    assert db.watched == {}


async def test_an_atomic_message_runs_only_while_its_watches_hold(
    autojump_clock: trio.testing.MockClock, shard: Shard, replies: Any
) -> None:
    send, receive = replies
    await shard.inbox_send.send(Watch(0, [b"k"], send))
    watches = await receive.receive()
    commands = [(0, "incr", [b"INCR", b"k"])]
    await shard.inbox_send.send(Atomic(commands, watches, CLIENT, send))
    assert await receive.receive() == [1]  # its own write does not count against it
    await shard.inbox_send.send(Atomic(commands, watches, CLIENT, send))
    assert await receive.receive() is None  # ... but the next check sees the bump


async def test_a_bug_in_a_handler_becomes_an_error_reply_and_the_shard_lives_on(
    autojump_clock: trio.testing.MockClock, shard: Shard, replies: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx: Any, argv: list[bytes]) -> Any:
        raise ZeroDivisionError

    monkeypatch.setitem(HANDLERS, "strlen", broken)
    send, receive = replies
    await shard.inbox_send.send(
        batch([b"STRLEN", b"k"], [b"SET", b"k", b"v"], reply_to=send)
    )
    assert await receive.receive() == [ErrorReply(INTERNAL_ERROR.format("strlen")), OK]


async def test_statistics_request_reports_the_shard_counters(
    autojump_clock: trio.testing.MockClock, shard: Shard, replies: Any
) -> None:
    send, receive = replies
    await shard.inbox_send.send(
        Batch(
            [
                (0, "set", [b"SET", b"a", b"1", b"EX", b"100"]),
                (1, "set", [b"SET", b"b", b"1"]),
                (1, "get", [b"GET", b"b"]),
                (1, "get", [b"GET", b"nope"]),
            ],
            CLIENT,
            send,
        )
    )
    await receive.receive()
    await shard.inbox_send.send(StatisticsRequest(send))
    statistics = await receive.receive()
    assert isinstance(statistics, ShardStatistics)
    assert statistics.shard_id == 0
    assert statistics.keys[:3] == (1, 1, 0) and len(statistics.keys) == 16
    assert statistics.expires[:2] == (1, 0)
    assert (statistics.keyspace_hits, statistics.keyspace_misses) == (1, 1)
    assert (statistics.batches, statistics.commands, statistics.leases) == (1, 4, 0)


async def test_the_shard_ends_when_its_inbox_is_closed(
    autojump_clock: trio.testing.MockClock, nursery: trio.Nursery
) -> None:
    shard = Shard.create(0, make_config(), TrioClock())
    with trio.fail_after(5):
        async with trio.open_nursery() as inner:
            await inner.start(shard.run)
            await shard.inbox_send.aclose()
