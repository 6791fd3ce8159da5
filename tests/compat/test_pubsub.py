"""Pub/Sub: SUBSCRIBE and friends, PUBLISH, PUBSUB introspection, shard
channels, RESP2 subscribed mode, RESP3 pushes, output-buffer limits.

Exact bytes go through a raw socket; behaviour through redis-py in both
protocols. Nothing depends on the order Redis lists channels in.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from tests.compat.conftest import RawConnection
from tests.servers import RunningServer

SUBSCRIBED_MODE_ERROR = (
    b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
    b"are allowed in this context\r\n"
)


def command(*args: bytes | str) -> bytes:
    parts = [arg if isinstance(arg, bytes) else arg.encode() for arg in args]
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


def next_message(pubsub: Any) -> dict[str, Any]:
    message = pubsub.get_message(timeout=10)
    assert message is not None, "no message within 10 s"
    return message


@pytest.fixture
def publisher(server: RunningServer) -> Iterator[redis.Redis]:
    with redis.Redis(host=server.host, port=server.port, protocol=2) as client:
        yield client


# -- confirmations and subscribed mode, byte for byte ------------------------------
def test_subscribe_confirms_each_channel_with_the_running_count(raw: RawConnection) -> None:
    raw.send(command("SUBSCRIBE", "a", "b"))
    expected = b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"
    assert raw.read_exactly(expected) == expected


def test_resp2_subscribed_mode_refuses_other_commands_with_redis_text(raw: RawConnection) -> None:
    raw.send(command("SUBSCRIBE", "a") + command("GET", "x") + command("PING") + command("PING", "hi"))
    expected = (
        b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"
        + SUBSCRIBED_MODE_ERROR
        + b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
        + b"*2\r\n$4\r\npong\r\n$2\r\nhi\r\n"
    )
    assert raw.read_exactly(expected) == expected


def test_unsubscribe_with_nothing_subscribed_answers_a_null_channel(raw: RawConnection) -> None:
    raw.send(command("UNSUBSCRIBE") + command("PUNSUBSCRIBE") + command("SUNSUBSCRIBE"))
    expected = (
        b"*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n"
        b"*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n"
        b"*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n"
    )
    assert raw.read_exactly(expected) == expected


def test_leaving_every_channel_leaves_subscribed_mode(raw: RawConnection) -> None:
    raw.send(command("SUBSCRIBE", "a") + command("UNSUBSCRIBE", "a") + command("PING"))
    expected = (
        b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"
        b"*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n+PONG\r\n"
    )
    assert raw.read_exactly(expected) == expected


def test_reset_leaves_subscribed_mode_without_confirmations(raw: RawConnection) -> None:
    raw.send(command("PSUBSCRIBE", "p*") + command("RESET") + command("GET", "nothing"))
    expected = b"*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:1\r\n+RESET\r\n$-1\r\n"
    assert raw.read_exactly(expected) == expected


def test_resp3_subscribed_client_runs_any_command_between_pushes(raw: RawConnection) -> None:
    raw.send(command("HELLO", "3"))
    raw.read_line()
    raw.sock.settimeout(10)
    while b"modules" not in raw.buffer:  # skip the HELLO map
        raw.buffer += raw.sock.recv(65536)
    raw.buffer = raw.buffer[raw.buffer.index(b"modules") + len(b"modules\r\n*0\r\n"):]
    raw.send(command("SUBSCRIBE", "a") + command("GET", "x") + command("PING"))
    expected = b">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n_\r\n+PONG\r\n"
    assert raw.read_exactly(expected) == expected


def test_subscribe_inside_multi_answers_in_the_exec_array(raw: RawConnection) -> None:
    raw.send(command("MULTI") + command("SUBSCRIBE", "a") + command("EXEC") + command("UNSUBSCRIBE"))
    expected = (
        b"+OK\r\n+QUEUED\r\n*1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"
        b"*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n"
    )
    assert raw.read_exactly(expected) == expected


# -- delivery ----------------------------------------------------------------------
@pytest.mark.parametrize("protocol", [2, 3])
def test_a_subscriber_receives_messages_in_publish_order(
    server: RunningServer, publisher: redis.Redis, protocol: int
) -> None:
    with redis.Redis(host=server.host, port=server.port, protocol=protocol) as client:
        pubsub = client.pubsub()
        pubsub.subscribe("news")
        assert next_message(pubsub)["type"] == "subscribe"
        for number in range(50):
            assert publisher.publish("news", str(number)) == 1
        received = [next_message(pubsub)["data"] for _ in range(50)]
        assert received == [str(number).encode() for number in range(50)]
        pubsub.close()


def test_pipelined_publishes_keep_the_order_of_replies_and_messages(
    raw: RawConnection, r: redis.Redis
) -> None:
    raw.send(command("SUBSCRIBE", "a", "b") + command("PSUBSCRIBE", "a*"))
    raw.read_exactly(b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"
                     b"*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"
                     b"*3\r\n$10\r\npsubscribe\r\n$2\r\na*\r\n:3\r\n")
    pipe = r.pipeline(transaction=False)
    for channel, payload in (("a", "1"), ("a", "2"), ("b", "3"), ("a", "4"), ("nobody", "5")):
        pipe.publish(channel, payload)
    pipe.set("k", "v")
    pipe.publish("b", "6")
    pipe.get("k")
    assert pipe.execute() == [2, 2, 1, 2, 0, True, 1, b"v"]

    def message(channel: bytes, payload: bytes) -> bytes:
        return b"*3\r\n$7\r\nmessage\r\n$1\r\n%b\r\n$1\r\n%b\r\n" % (channel, payload)

    def pmessage(payload: bytes) -> bytes:
        return b"*4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$1\r\n%b\r\n" % payload

    expected = (
        message(b"a", b"1") + pmessage(b"1") + message(b"a", b"2") + pmessage(b"2")
        + message(b"b", b"3") + message(b"a", b"4") + pmessage(b"4") + message(b"b", b"6")
    )
    assert raw.read_exactly(expected) == expected


def test_publish_and_spublish_inside_exec_count_and_deliver(raw: RawConnection, r: redis.Redis) -> None:
    raw.send(command("SUBSCRIBE", "news") + command("SSUBSCRIBE", "news"))
    raw.read_exactly(b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n"
                     b"*3\r\n$10\r\nssubscribe\r\n$4\r\nnews\r\n:1\r\n")
    pipe = r.pipeline(transaction=True)
    pipe.publish("news", "one")
    pipe.execute_command("SPUBLISH", "news", "two")
    pipe.publish("elsewhere", "three")
    assert pipe.execute() == [1, 1, 0]
    expected = (b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$3\r\none\r\n"
                b"*3\r\n$8\r\nsmessage\r\n$4\r\nnews\r\n$3\r\ntwo\r\n")
    assert raw.read_exactly(expected) == expected


@pytest.mark.parametrize(
    ("pattern", "matching", "not_matching"),
    [
        ("news.*", "news.sport", "new.sport"),
        ("h?llo", "hallo", "hllo"),
        ("h[ae]llo", "hello", "hillo"),
        ("h[^e]llo", "hallo", "hello"),
        ("h[a-c]llo", "hbllo", "hdllo"),
        ("h\\*llo", "h*llo", "hallo"),
    ],
)
def test_psubscribe_matches_globs_as_redis_does(
    server: RunningServer, publisher: redis.Redis, pattern: str, matching: str, not_matching: str
) -> None:
    with redis.Redis(host=server.host, port=server.port) as client:
        pubsub = client.pubsub()
        pubsub.psubscribe(pattern)
        assert next_message(pubsub)["type"] == "psubscribe"
        assert publisher.publish(not_matching, "no") == 0
        assert publisher.publish(matching, "yes") == 1
        message = next_message(pubsub)
        assert (message["type"], message["pattern"], message["channel"], message["data"]) == (
            "pmessage", pattern.encode(), matching.encode(), b"yes",
        )
        pubsub.close()


def test_publish_counts_channel_and_pattern_receivers(server: RunningServer, publisher: redis.Redis) -> None:
    clients = [redis.Redis(host=server.host, port=server.port) for _ in range(3)]
    subscriptions = []
    for client, (kind, name) in zip(clients, [("s", "c"), ("p", "c*"), ("p", "*")]):
        pubsub = client.pubsub()
        (pubsub.subscribe if kind == "s" else pubsub.psubscribe)(name)
        next_message(pubsub)
        subscriptions.append(pubsub)
    assert publisher.publish("c", "x") == 3
    assert publisher.publish("other", "x") == 1
    for pubsub in subscriptions:
        pubsub.close()
    for client in clients:
        client.close()


def test_unsubscribed_client_receives_nothing_more(server: RunningServer, publisher: redis.Redis) -> None:
    with redis.Redis(host=server.host, port=server.port) as client:
        pubsub = client.pubsub()
        pubsub.subscribe("a", "b")
        next_message(pubsub), next_message(pubsub)
        pubsub.unsubscribe("a")
        assert next_message(pubsub)["type"] == "unsubscribe"
        assert publisher.publish("a", "x") == 0
        assert publisher.publish("b", "y") == 1
        assert next_message(pubsub)["data"] == b"y"
        pubsub.close()


def test_shard_channels_deliver_smessage_and_count_apart(raw: RawConnection, publisher: redis.Redis) -> None:
    raw.send(command("SUBSCRIBE", "a") + command("SSUBSCRIBE", "s1", "s2"))
    expected = (
        b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"
        b"*3\r\n$10\r\nssubscribe\r\n$2\r\ns1\r\n:1\r\n*3\r\n$10\r\nssubscribe\r\n$2\r\ns2\r\n:2\r\n"
    )
    assert raw.read_exactly(expected) == expected
    assert publisher.execute_command("SPUBLISH", "s1", "hi") == 1
    assert publisher.publish("s1", "not a shard message") == 0
    message = b"*3\r\n$8\r\nsmessage\r\n$2\r\ns1\r\n$2\r\nhi\r\n"
    assert raw.read_exactly(message) == message


# -- PUBSUB introspection -------------------------------------------------------------
def test_pubsub_introspection_reports_live_subscriptions(server: RunningServer, publisher: redis.Redis) -> None:
    with redis.Redis(host=server.host, port=server.port) as client:
        pubsub = client.pubsub()
        pubsub.subscribe("news.a", "news.b", "other")
        pubsub.psubscribe("x*", "y*")
        pubsub.execute_command("SSUBSCRIBE", "shard1")
        for _ in range(6):
            next_message(pubsub)
        assert sorted(publisher.pubsub_channels()) == [b"news.a", b"news.b", b"other"]
        assert sorted(publisher.pubsub_channels("news.*")) == [b"news.a", b"news.b"]
        assert publisher.pubsub_numsub("news.a", "missing") == [(b"news.a", 1), (b"missing", 0)]
        assert publisher.pubsub_numpat() == 2
        assert publisher.execute_command("PUBSUB", "SHARDCHANNELS") == [b"shard1"]
        assert publisher.execute_command("PUBSUB", "SHARDNUMSUB", "shard1") == [b"shard1", 1]
        pubsub.close()
    deadline = time.monotonic() + 10
    while publisher.pubsub_channels() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert publisher.pubsub_channels() == []


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["PUBSUB", "FOO"], "unknown subcommand 'FOO'. Try PUBSUB HELP."),
        (["PUBSUB", "CHANNELS", "a", "b"],
         "unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."),
        (["PUBSUB", "NUMPAT", "x"], "wrong number of arguments for 'pubsub|numpat' command"),
        (["SUBSCRIBE"], "wrong number of arguments for 'subscribe' command"),
        (["PUBLISH", "a"], "wrong number of arguments for 'publish' command"),
    ],
)
def test_pubsub_errors_match_redis(r: redis.Redis, args: list[str], error: str) -> None:
    with pytest.raises(redis.ResponseError) as raised:
        r.execute_command(*args)
    assert str(raised.value) == error


def test_pubsub_help_lists_the_subcommands(r: redis.Redis) -> None:
    lines = r.execute_command("PUBSUB", "HELP")
    assert lines[0] == b"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert lines[-2:] == [b"HELP", b"    Prints this help."]
    assert len(lines) == 14


def test_info_counts_channels_and_patterns(server: RunningServer, publisher: redis.Redis) -> None:
    with redis.Redis(host=server.host, port=server.port) as client:
        pubsub = client.pubsub()
        pubsub.subscribe("a", "b")
        pubsub.psubscribe("p*")
        for _ in range(3):
            next_message(pubsub)
        stats = publisher.info("stats")
        assert (stats["pubsub_channels"], stats["pubsub_patterns"]) == (2, 1)
        pubsub.close()


# -- output buffer limits ---------------------------------------------------------------
def test_a_subscriber_over_the_hard_limit_is_disconnected_and_publishers_go_on(
    server: RunningServer, publisher: redis.Redis
) -> None:
    publisher.config_set("client-output-buffer-limit", "pubsub 256kb 0 0")
    try:
        stalled = socket.create_connection((server.host, server.port))
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.sendall(command("CLIENT", "SETNAME", "stalled") + command("SUBSCRIBE", "flood"))
        deadline = time.monotonic() + 10
        while publisher.pubsub_numsub("flood")[0][1] != 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        payload = b"x" * 64 * 1024
        for _ in range(400):  # 25 MB: far past any socket buffer plus the limit
            publisher.publish("flood", payload)
            names = [client["name"] for client in publisher.client_list()]
            if "stalled" not in names:
                break
        assert "stalled" not in [client["name"] for client in publisher.client_list()]
        assert publisher.ping() is True
        stalled.close()
    finally:
        publisher.config_set("client-output-buffer-limit", "pubsub 32mb 8mb 60")


def test_client_output_buffer_limit_config_round_trips(r: redis.Redis) -> None:
    r.config_set("client-output-buffer-limit", "pubsub 1mb 1kb 5")
    try:
        assert r.config_get("client-output-buffer-limit") == {
            "client-output-buffer-limit":
                "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 1024 5"
        }
    finally:
        r.config_set("client-output-buffer-limit", "pubsub 32mb 8mb 60")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("pubsub 1 1", "Wrong number of arguments in buffer limit configuration."),
        ("foo 1 1 1", "Invalid client class specified in buffer limit configuration."),
        ("pubsub x 1 1", "Error in hard, soft or soft_seconds setting in buffer limit configuration."),
    ],
)
def test_client_output_buffer_limit_refuses_bad_values(r: redis.Redis, value: str, reason: str) -> None:
    with pytest.raises(redis.ResponseError) as raised:
        r.config_set("client-output-buffer-limit", value)
    assert str(raised.value) == (
        f"CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - {reason}"
    )


# -- CLIENT LIST / CLIENT KILL see subscribers ----------------------------------------
def subscribed_raw(server: RunningServer, resp3: bool = False) -> tuple[RawConnection, int]:
    """A raw client subscribed to 2 channels, 1 pattern and 1 shard channel; its id."""
    conn = RawConnection(server.port)
    conn.send(command("CLIENT", "ID"))
    client_id = int(conn.read_line()[1:])
    if resp3:
        conn.send(command("HELLO", "3") + command("PING", "hello-done"))
        while b"hello-done" not in conn.buffer:
            conn.buffer += conn.sock.recv(65536)
        conn.buffer = b""
    conn.send(command("SUBSCRIBE", "c1", "c2") + command("PSUBSCRIBE", "p*") + command("SSUBSCRIBE", "s1"))
    while not conn.buffer.endswith(b"$2\r\ns1\r\n:1\r\n"):  # the last confirmation
        conn.buffer += conn.sock.recv(65536)
    conn.buffer = b""
    return conn, client_id


def client_fields(r: redis.Redis, client_id: int) -> dict[str, str]:
    line = r.execute_command("CLIENT", "LIST", "ID", str(client_id))
    text = line.decode() if isinstance(line, bytes) else str(line)
    return dict(field.split("=", 1) for field in text.strip().split(" "))


@pytest.mark.parametrize("resp3", [False, True], ids=["resp2", "resp3"])
def test_client_list_counts_subscriptions_by_kind_and_flags_the_subscriber(
    server: RunningServer, r: redis.Redis, resp3: bool
) -> None:
    conn, client_id = subscribed_raw(server, resp3)
    fields = client_fields(r, client_id)
    assert (fields["sub"], fields["psub"], fields["ssub"], fields["flags"]) == ("2", "1", "1", "P")
    conn.send(command("UNSUBSCRIBE") + command("PUNSUBSCRIBE") + command("SUNSUBSCRIBE") + command("PING", "x"))
    while b"x\r\n" not in conn.buffer:
        conn.buffer += conn.sock.recv(65536)
    fields = client_fields(r, client_id)
    assert (fields["sub"], fields["psub"], fields["ssub"], fields["flags"]) == ("0", "0", "0", "N")
    conn.close()


def test_client_list_and_kill_type_pubsub_pick_subscribers_only(server: RunningServer, r: redis.Redis) -> None:
    conn, client_id = subscribed_raw(server)
    listed = r.execute_command("CLIENT", "LIST", "TYPE", "pubsub")
    text = listed.decode() if isinstance(listed, bytes) else str(listed)
    assert [line.split(" ", 1)[0] for line in text.strip().splitlines()] == [f"id={client_id}"]
    assert r.execute_command("CLIENT", "KILL", "TYPE", "pubsub") == 1
    assert conn.is_closed()
    assert r.execute_command("CLIENT", "KILL", "TYPE", "pubsub") == 0
    assert r.ping()
