"""Command methods: every spec has one, and replies look like redis-py's."""

from __future__ import annotations

import datetime

import pytest

from client import EXCLUDED, Client, WrongTypeError, ResponseError, open_client
from client.generated import method_name
from protocol.commands.table import ALL_SPECS
from tests.client.conftest import url
from actors.testing import RunningServer


def test_every_command_in_the_table_has_a_method_or_an_exclusion() -> None:
    missing = [
        spec.name for spec in ALL_SPECS
        if spec.name not in EXCLUDED and not callable(getattr(Client, method_name(spec), None))
    ]
    assert missing == []


def test_excluded_commands_have_no_method_and_say_what_to_use() -> None:
    for name, reason in EXCLUDED.items():
        assert reason
    assert not hasattr(Client, "multi")
    assert not hasattr(Client, "select")


async def test_set_and_get_round_trip_bytes(c: Client) -> None:
    assert await c.set("k", "v") is True
    assert await c.get("k") == b"v"
    assert await c.get("missing") is None


async def test_decode_gives_str(dc: Client) -> None:
    await dc.set("k", "héllo")
    assert await dc.get("k") == "héllo"


async def test_set_options_follow_redis_py(c: Client) -> None:
    assert await c.set("k", "1", nx=True) is True
    assert await c.set("k", "2", nx=True) is None
    assert await c.set("k", "3", xx=True, get=True) == b"1"
    assert await c.set("k", "4", ex=datetime.timedelta(seconds=100)) is True
    assert 0 < await c.ttl("k") <= 100
    assert await c.set("k", "5", keepttl=True) is True
    assert 0 < await c.ttl("k") <= 100
    assert await c.set("k", "6", px=50000) is True
    assert 0 < await c.pttl("k") <= 50000
    assert await c.set("k", "7", exat=datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc)) is True
    assert await c.expiretime("k") == 4102444800


async def test_expire_family_returns_bools(c: Client) -> None:
    assert await c.expire("nokey", 10) is False
    await c.set("k", "v")
    assert await c.expire("k", 10) is True
    assert await c.expire("k", 5, gt=True) is False
    assert await c.persist("k") is True
    assert await c.ttl("k") == -1
    assert await c.pexpire("k", 100000) is True
    assert await c.setnx("k", "x") is False


async def test_counters_and_floats(c: Client) -> None:
    assert await c.incr("n") == 1
    assert await c.incr("n", 5) == 6
    assert await c.decr("n") == 5
    assert await c.decrby("n", 2) == 3
    assert await c.incrbyfloat("f", 1.5) == 1.5


async def test_multi_key_strings(c: Client) -> None:
    assert await c.mset({"a": 1, "b": "two"}) is True
    assert await c.mget(["a", "b", "c"]) == [b"1", b"two", None]
    assert await c.mget("a", "b") == [b"1", b"two"]
    assert await c.msetnx({"a": 3, "z": 4}) is False
    assert await c.exists("a", "b", "z") == 2
    assert await c.delete("a", "b") == 2


async def test_scan_iter_visits_every_key_once(c: Client) -> None:
    await c.mset({f"key:{i}": i for i in range(120)})
    await c.set("other", 1)
    seen = [key async for key in c.scan_iter(match="key:*", count=10)]
    assert sorted(seen) == sorted(f"key:{i}".encode() for i in range(120))


async def test_error_replies_raise_with_the_exact_text(c: Client) -> None:
    await c.set("k", "v")
    with pytest.raises(ResponseError, match="^ERR value is not an integer or out of range$"):
        await c.incr("k")
    with pytest.raises(ResponseError, match="^ERR unknown command 'NOSUCHCOMMAND'"):
        await c.execute("NOSUCHCOMMAND")


async def test_wrongtype_error_class(server: RunningServer) -> None:
    async with open_client(url(server)) as client:
        await client.set("s", "x")
        if server.kind == "redis":
            await client.execute("DEL", "s")
            await client.execute("LPUSH", "s", "a")
            with pytest.raises(WrongTypeError):
                await client.get("s")
        else:
            pytest.skip("shardis has no non-string type yet to provoke WRONGTYPE with")


async def test_generated_methods_send_their_words(c: Client) -> None:
    await c.set("k", "v")
    assert await c.object_encoding("k") in (b"embstr", b"raw")
    assert await c.command_count() > 0
    assert isinstance(await c.debug("SET-ACTIVE-EXPIRE", "1"), bytes)


async def test_server_replies_are_parsed(c: Client) -> None:
    await c.set("k", "v")
    info = await c.info()
    assert isinstance(info["redis_version"], str) or isinstance(info["redis_version"], (int, float))
    assert info["db0"]["keys"] == 1
    assert (await c.config_get("maxmemory"))[b"maxmemory"] == b"0"
    seconds, micros = await c.time()
    assert seconds > 0 and 0 <= micros < 1_000_000
    assert await c.ping() is True
    assert await c.echo("hi") == b"hi"
    assert await c.dbsize() == 1


@pytest.mark.parametrize("protocol", [2, 3])
async def test_both_protocols_give_the_same_shapes(server: RunningServer, protocol: int) -> None:
    async with open_client(url(server), protocol=protocol, decode=True, client_name="shape") as client:
        await client.flushall()
        await client.mset({"a": "1"})
        assert await client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
        assert await client.client_getname() == "shape"
        assert await client.scan(0) == (0, ["a"])
        assert (await client.client_info())["resp"] == str(protocol)


async def test_db_in_the_url_selects_it(server: RunningServer) -> None:
    async with open_client(url(server, db=2)) as client, open_client(url(server)) as default:
        await client.flushall()
        await client.set("in2", 1)
        assert await default.get("in2") is None
        assert await client.get("in2") == b"1"
