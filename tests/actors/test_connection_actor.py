"""One connection actor over a trio memory stream (actors/connection.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
import trio
import trio.testing

from protocol.resp.values import NULL_ARRAY, OK, PONG, QUEUED, ErrorReply

from actors.messages import Lease
from actors.router import Router
from actors.shard import Shard

from tests.actors.conftest import Client, Harness, encode_command, keys_on_distinct_shards

StartServer = Callable[..., Awaitable[Harness]]


async def test_pipelined_requests_are_answered_in_order_in_one_write(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server()).connect()
    await client.send_commands(("SET", "k", "1"), ("INCR", "k"), ("GET", "k"), ("PING",))
    assert await client.read_replies(4) == [OK, 2, b"2", PONG]
    assert client.server_side.writes == [b"+OK\r\n:2\r\n$1\r\n2\r\n+PONG\r\n"]


async def test_inline_and_multibulk_requests_can_be_mixed(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server()).connect()
    await client.send(b"SET greeting hello\r\n" + encode_command("GET", "greeting") + b"ECHO 'a b'\r\n")
    assert await client.read_replies(3) == [OK, b"hello", b"a b"]


async def test_a_request_split_across_writes_is_answered_once_complete(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server()).connect()
    request = encode_command("SET", "k", "v") + encode_command("GET", "k")
    for byte in request:
        await client.send(bytes([byte]))
        await trio.testing.wait_all_tasks_blocked()
    assert await client.read_replies(2) == [OK, b"v"]


async def test_a_protocol_error_answers_the_good_requests_then_the_error_then_closes(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server()).connect()
    await client.send(encode_command("SET", "k", "v") + encode_command("GET", "k") + b"*1\r\n$x\r\n")
    assert await client.read_until_eof() == (
        b"+OK\r\n$1\r\nv\r\n-ERR Protocol error: invalid bulk length\r\n"
    )


async def test_unbalanced_quotes_in_an_inline_request_close_the_connection(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server()).connect()
    await client.send(b"PING\r\nSET k \"v\r\n")
    assert await client.read_until_eof() == (
        b"+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n"
    )


async def test_unknown_commands_and_wrong_arity_are_answered_and_the_connection_stays_open(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server()).connect()
    await client.send_commands(("FOO", "bar", "baz"), ("GET",), ("SET", "k", "v"), ("GET", "k"))
    assert await client.read_replies(4) == [
        ErrorReply("ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' "),
        ErrorReply("ERR wrong number of arguments for 'get' command"),
        OK,
        b"v",
    ]
    assert await client.call("PING") == PONG


async def test_select_changes_the_database_of_later_commands(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server(shards=4)).connect()
    await client.send_commands(
        ("SELECT", "1"), ("SET", "k", "one"), ("SELECT", "0"), ("GET", "k"), ("SELECT", "1"), ("GET", "k")
    )
    assert await client.read_replies(6) == [OK, OK, OK, None, OK, b"one"]
    assert await client.call("SELECT", "16") == ErrorReply("ERR DB index is out of range")
    assert await client.call("GET", "k") == b"one"


async def test_a_pipeline_over_several_shards_is_answered_in_request_order(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server(shards=4)
    client = await harness.connect()
    keys = keys_on_distinct_shards(4, 4)
    order = [keys[2], keys[0], keys[3], keys[0], keys[1], keys[2]]
    await client.send_commands(*[("INCR", key) for key in order], *[("GET", key) for key in keys])
    assert await client.read_replies(10) == [1, 1, 1, 2, 1, 2, b"2", b"1", b"2", b"1"]
    assert len(client.server_side.writes) == 1
    owners = {Router(4).shard_of_key(key) for key in keys}
    assert owners == {0, 1, 2, 3}
    assert [shard.statistics().keys[0] for shard in harness.server.runtime.shards] == [1, 1, 1, 1]


async def test_keyless_commands_fan_out_to_every_shard_and_merge(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server(shards=4)).connect()
    keys = keys_on_distinct_shards(4, 4)
    await client.send_commands(("MSET", *[part for key in keys for part in (key, "v")]))
    assert await client.read_replies(1) == [OK]
    assert await client.call("DBSIZE") == 4
    assert sorted(await client.call("KEYS", "*")) == sorted(keys)
    assert await client.call("FLUSHALL") == OK
    assert await client.call("DBSIZE") == 0


async def test_scan_visits_every_shard_with_one_cursor(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server(shards=4)).connect()
    keys = [b"key:%d" % index for index in range(50)]
    await client.send_commands(("MSET", *[part for key in keys for part in (key, "v")]))
    await client.read_replies(1)
    cursor, found, calls = b"0", [], 0
    while True:
        cursor, batch = await client.call("SCAN", cursor, "COUNT", "7")
        found.extend(batch)
        calls += 1
        if cursor == b"0":
            break
        assert calls < 100
    assert sorted(found) == sorted(keys)


async def test_mset_across_shards_is_atomic_for_a_concurrent_observer(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server(shards=4)
    first, second = keys_on_distinct_shards(4, 2)
    writer, observer = await harness.connect(), await harness.connect()
    seen: list[list[bytes | None]] = []
    rounds = 200

    async def write() -> None:
        for value in range(1, rounds + 1):
            assert await writer.call("MSET", first, value, second, value) == OK

    async def observe(done: trio.Event) -> None:
        while not done.is_set():
            seen.append(await observer.call("MGET", first, second))

    done = trio.Event()
    with trio.fail_after(60):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(observe, done)
            await write()
            done.set()
    assert all(a == b for a, b in seen), [pair for pair in seen if pair[0] != pair[1]][:3]
    assert len({a for a, _ in seen if a is not None}) > rounds // 4  # they interleaved
    assert await observer.call("MGET", first, second) == [b"%d" % rounds] * 2


# A command that shuts or opens a gate takes effect for the keyed commands
# after it in the same read (they skip the gates only while none applies).
GATES_WITHIN_ONE_READ = [
    pytest.param(
        {}, [("SET", "k", "1"), ("MULTI",), ("SET", "k", "2"), ("GET", "k"), ("EXEC",), ("GET", "k")],
        [OK, OK, QUEUED, QUEUED, [OK, b"2"], b"2"], id="multi",
    ),
    pytest.param(
        {}, [("CLIENT", "REPLY", "SKIP"), ("SET", "k", "1"), ("GET", "k")], [b"1"], id="client-reply-skip",
    ),
    pytest.param(
        {}, [("CLIENT", "REPLY", "OFF"), ("SET", "k", "1"), ("CLIENT", "REPLY", "ON"), ("GET", "k")],
        [OK, b"1"], id="client-reply-off-on",
    ),
    pytest.param(
        {"requirepass": "secret"}, [("GET", "k"), ("AUTH", "secret"), ("GET", "k")],
        [ErrorReply("NOAUTH Authentication required."), OK, None], id="auth",
    ),
]


@pytest.mark.parametrize(("config", "commands", "replies"), GATES_WITHIN_ONE_READ)
async def test_a_gate_a_command_changes_applies_to_the_commands_after_it_in_the_same_read(
    autojump_clock: trio.testing.MockClock, start_server: StartServer,
    config: dict[str, str], commands: list[tuple[str, ...]], replies: list[object],
) -> None:
    client = await (await start_server(**config)).connect()
    await client.send_commands(*commands)
    assert await client.read_replies(len(replies)) == replies
    assert len(client.server_side.writes) == 1


async def test_exec_fails_when_another_connection_wrote_a_watched_key(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server(shards=4)
    alice, bob = await harness.connect(), await harness.connect()
    assert await alice.call("SET", "balance", "10") == OK
    assert await alice.call("WATCH", "balance") == OK
    assert await bob.call("INCRBY", "balance", "5") == 15
    await alice.send_commands(("MULTI",), ("INCRBY", "balance", "100"), ("EXEC",))
    assert await alice.read_replies(3) == [OK, QUEUED, NULL_ARRAY]
    assert await alice.call("GET", "balance") == b"15"
    # The failed EXEC released the watch: the next transaction goes through.
    await alice.send_commands(("MULTI",), ("INCRBY", "balance", "100"), ("EXEC",))
    assert await alice.read_replies(3) == [OK, QUEUED, [115]]


async def test_exec_succeeds_when_watched_keys_on_several_shards_are_untouched(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server(shards=4)
    first, second, third = keys_on_distinct_shards(4, 3)
    alice, bob = await harness.connect(), await harness.connect()
    assert await alice.call("WATCH", first, second) == OK
    assert await bob.call("SET", third, "unrelated") == OK
    await alice.send_commands(("MULTI",), ("SET", first, "1"), ("SET", third, "3"), ("EXEC",))
    assert (await alice.read_replies(4))[-1] == [OK, OK]
    await alice.send_commands(("WATCH", second), ("MULTI",), ("SET", first, "x"), ("EXEC",))
    await trio.testing.wait_all_tasks_blocked()
    assert (await alice.read_replies(4))[-1] == [OK]
    assert await alice.call("WATCH", second) == OK
    assert await bob.call("DEL", second) == 0  # deleting a missing key is no write
    assert await bob.call("SET", second, "now") == OK
    await alice.send_commands(("MULTI",), ("SET", first, "y"), ("EXEC",))
    assert (await alice.read_replies(3))[-1] is NULL_ARRAY
    assert await alice.call("GET", first) == b"x"


async def test_a_watched_key_that_expires_before_exec_fails_the_transaction(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    client = await (await start_server()).connect()
    assert await client.call("SET", "lease", "held", "PX", "500") == OK
    assert await client.call("WATCH", "lease") == OK
    await trio.sleep(1)
    await client.send_commands(("MULTI",), ("SET", "other", "1"), ("EXEC",))
    assert (await client.read_replies(3))[-1] is NULL_ARRAY


async def test_transactions_over_the_same_shards_in_opposite_order_never_deadlock(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server(shards=4)
    low, high = keys_on_distinct_shards(4, 2)
    forward, backward = await harness.connect(), await harness.connect()

    async def transact(client: Client, keys: tuple[bytes, bytes], rounds: int) -> None:
        for _ in range(rounds):
            await client.send_commands(
                ("MULTI",), ("INCR", keys[0]), ("INCR", keys[1]), ("EXEC",)
            )
            replies = await client.read_replies(4)
            assert replies[:3] == [OK, QUEUED, QUEUED]

    with trio.fail_after(30):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(transact, forward, (low, high), 100)
            nursery.start_soon(transact, backward, (high, low), 100)
    leases = [shard.statistics().leases for shard in harness.server.runtime.shards]
    assert sorted(leases) == [0, 0, 200, 200]
    assert await forward.call("MGET", low, high) == [b"200", b"200"]


async def test_closing_the_client_stream_ends_the_connection_actor(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server()
    client = await harness.connect()
    assert await client.call("PING") == PONG
    assert len(harness.server.runtime.clients) == 1
    await client.stream.aclose()
    await trio.testing.wait_all_tasks_blocked()
    assert harness.server.runtime.clients == {}


class EndlessPings(trio.abc.Stream):
    """A client that always has another PING ready, delivered without awaiting
    (as DirectSocketStream delivers bytes the kernel already holds)."""

    def __init__(self, others_ran: trio.Event) -> None:
        self.first_read = trio.Event()
        self.others_ran = others_ran
        self.reads = 0

    async def receive_some(self, max_bytes: int | None = None) -> bytes:
        self.reads += 1
        self.first_read.set()
        if self.others_ran.is_set() or self.reads > 100:
            return b""  # end of stream: the test is decided
        return b"PING\r\n"

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        pass  # taken at once, as a socket with room takes it

    async def wait_send_all_might_not_block(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


async def test_a_client_that_never_stops_sending_lets_other_tasks_run_between_reads(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server()
    others_ran = trio.Event()
    stream = EndlessPings(others_ran)

    async def another_task() -> None:
        await stream.first_read.wait()
        others_ran.set()  # runs only once the connection yields after its first read

    async with trio.open_nursery() as nursery:
        nursery.start_soon(another_task)
        nursery.start_soon(harness.server.serve_stream, stream, "127.0.0.1:50000", "127.0.0.1:6379")
    # A yield per read lets the other task in within a read or two (Trio may run
    # the connection first once more); without it the connection reads on alone.
    assert stream.reads <= 3


async def test_a_batch_for_a_parked_shard_runs_in_the_connection_without_a_message(
    autojump_clock: trio.testing.MockClock, start_server: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = await start_server()
    client = await harness.connect()
    await trio.testing.wait_all_tasks_blocked()
    messages: list[str] = []
    handle = Shard.handle

    def recording_handle(shard: Shard, message: object) -> None:
        messages.append(type(message).__name__)
        handle(shard, message)

    monkeypatch.setattr(Shard, "handle", recording_handle)
    assert harness.server.runtime.shards[0].parked
    assert await client.call("SET", "k", "v") == OK
    assert await client.call("GET", "k") == b"v"
    assert messages == []  # decision 0011: no Batch went through the inbox


async def test_a_batch_for_a_leased_shard_waits_for_the_lease_to_end(
    autojump_clock: trio.testing.MockClock, start_server: StartServer
) -> None:
    harness = await start_server()
    client = await harness.connect()
    assert await client.call("SET", "k", "before") == OK
    shard = harness.server.runtime.shards[0]
    handed, receive = trio.open_memory_channel[Shard](1)
    lease = Lease(handed, trio.Event())
    await shard.inbox_send.send(lease)
    lent = await receive.receive()
    assert lent is shard and not shard.parked
    await client.send_commands(("GET", "k"))
    await trio.testing.wait_all_tasks_blocked()
    assert client.server_side.writes[-1] == b"+OK\r\n"  # the GET is not answered yet
    lent.keyspace.db(0).store(b"k", b"written under the lease")
    lease.released.set()
    assert await client.read_replies(1) == [b"written under the lease"]
