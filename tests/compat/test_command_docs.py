"""COMMAND, COUNT, INFO, DOCS, GETKEYS, LIST through the server, compared with
redis-server for commands both have."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from tests.servers import redis_server_path

COMPARED = ["get", "set", "mset", "config|get", "del", "incr", "expire", "ping", "client|kill", "select"]


@pytest.fixture(scope="module")
def oracle() -> Iterator[redis.Redis | None]:
    """The real Redis of the session (None when not installed)."""
    from tests.compat.conftest import _server

    if not redis_server_path():
        yield None
        return
    running = _server("redis")
    with redis.Redis(host=running.host, port=running.port, protocol=3) as client:
        yield client



def command_call(client: redis.Redis, *args: str):
    connection = client.connection_pool.get_connection()
    try:
        connection.send_command(*args)
        return connection.read_response()
    finally:
        client.connection_pool.release(connection)


@pytest.mark.parametrize("name", COMPARED)
def test_command_info_equals_redis(r3: redis.Redis, oracle: redis.Redis | None, name: str) -> None:
    if oracle is None:
        pytest.skip("redis-server not installed")
    assert command_call(r3, "COMMAND", "INFO", name) == command_call(oracle, "COMMAND", "INFO", name)


@pytest.mark.parametrize("name", COMPARED)
def test_command_docs_equal_redis(r3: redis.Redis, oracle: redis.Redis | None, name: str) -> None:
    if oracle is None:
        pytest.skip("redis-server not installed")
    assert command_call(r3, "COMMAND", "DOCS", name) == command_call(oracle, "COMMAND", "DOCS", name)


# Containers (CONFIG, CLIENT) list their subcommands in Redis's dict order,
# which is not an order shardis can reproduce; they are compared one by one.
@pytest.mark.parametrize("name", ["get", "config|get", "mset"])
def test_command_info_equals_redis_in_resp2(r: redis.Redis, oracle: redis.Redis | None, name: str) -> None:
    if oracle is None:
        pytest.skip("redis-server not installed")
    with redis.Redis(host=oracle.connection_pool.connection_kwargs["host"],
                     port=oracle.connection_pool.connection_kwargs["port"], protocol=2) as oracle2:
        assert command_call(r, "COMMAND", "INFO", name) == command_call(oracle2, "COMMAND", "INFO", name)


@pytest.mark.parametrize(
    "args, keys",
    [
        (["GET", "k"], [b"k"]),
        (["MSET", "a", "1", "b", "2"], [b"a", b"b"]),
        (["SET", "k", "v", "EX", "10"], [b"k"]),
        (["DEL", "x", "y", "z"], [b"x", b"y", b"z"]),
    ],
)
def test_command_getkeys(r: redis.Redis, args: list[str], keys: list[bytes]) -> None:
    assert command_call(r, "COMMAND", "GETKEYS", *args) == keys


@pytest.mark.parametrize(
    "args, error",
    [
        (["GETKEYS", "NOSUCH", "x"], "Invalid command specified"),
        (["GETKEYS", "PING", "x"], "The command has no key arguments"),
        (["GETKEYS", "GET", "a", "b"], "Invalid number of arguments specified for command"),
        (["GETKEYS"], "wrong number of arguments for 'command|getkeys' command"),
        (["NOSUCHSUB"], "unknown subcommand 'NOSUCHSUB'. Try COMMAND HELP."),
    ],
)
def test_command_errors(r: redis.Redis, args: list[str], error: str) -> None:
    with pytest.raises(redis.ResponseError) as caught:
        command_call(r, "COMMAND", *args)
    assert str(caught.value) == error


def test_command_count_matches_the_command_list(r: redis.Redis) -> None:
    count = command_call(r, "COMMAND", "COUNT")
    assert count == len(command_call(r, "COMMAND"))
    assert count > 10


def test_command_info_of_an_unknown_command_is_nil(r: redis.Redis) -> None:
    reply = command_call(r, "COMMAND", "INFO", "get", "nosuchcommand")
    assert reply[0][0] == b"get"
    assert reply[1] is None


def test_command_list_filterby_pattern(r: redis.Redis) -> None:
    assert sorted(command_call(r, "COMMAND", "LIST", "FILTERBY", "PATTERN", "config|[gs]et")) == [
        b"config|get", b"config|set"]


def test_redis_py_cluster_style_command_parsing_works(r: redis.Redis) -> None:
    parsed = r.command()
    assert parsed["get"]["arity"] == 2
    assert parsed["get"]["first_key_pos"] == 1
