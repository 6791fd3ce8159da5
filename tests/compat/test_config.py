"""CONFIG GET / SET / RESETSTAT / REWRITE / HELP against Redis 7.0.15's texts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis

from tests.compat.conftest import RawConnection
import shutil
import subprocess
import sys
import time

from tests.servers import RunningServer, free_port


@pytest.fixture(autouse=True)
def restore_config(server: RunningServer) -> None:
    yield
    with redis.Redis(host=server.host, port=server.port) as admin:
        admin.config_set("maxmemory", "0")
        admin.config_set("hz", "10")
        admin.config_set("maxmemory-policy", "noeviction")
        admin.config_set("timeout", "0")


@pytest.mark.parametrize(
    "patterns, expected",
    [
        (["hz"], {"hz": "10"}),
        (["save", "appendonly"], {"save": "", "appendonly": "no"}),
        (["maxmemory-p*"], {"maxmemory-policy": "noeviction"}),
        (["maxmemory", "maxmemory-policy", "timeout"],
         {"maxmemory": "0", "maxmemory-policy": "noeviction", "timeout": "0"}),
        (["*read-only"], {"replica-read-only": "yes", "slave-read-only": "yes"}),
        (["databases", "database?"], {"databases": "16"}),
        (["no-such-param"], {}),
        (["no-such-*"], {}),
        (["HZ"], {"HZ": "10"}),
        (["h[xyz]"], {"hz": "10"}),
    ],
)
def test_config_get_by_name_and_glob(rp: redis.Redis, patterns: list[str], expected: dict[str, str]) -> None:
    reply = rp.execute_command("CONFIG GET", *patterns)
    if isinstance(reply, list):  # RESP2: a flat list of pairs
        reply = dict(zip(reply[::2], reply[1::2]))
    as_text = lambda value: value.decode() if isinstance(value, bytes) else value  # noqa: E731
    assert {as_text(k): as_text(v) for k, v in reply.items()} == expected


def test_config_get_is_a_flat_list_in_resp2_and_a_map_in_resp3(raw: RawConnection) -> None:
    raw.send(b"CONFIG GET hz\r\nHELLO 3\r\n")
    expected = b"*2\r\n$2\r\nhz\r\n$2\r\n10\r\n"
    assert raw.read_exactly(expected) == expected
    raw.read_line()
    raw.buffer = b""
    raw.sock.settimeout(0.5)
    try:
        while True:
            raw.sock.recv(65536)
    except TimeoutError:
        pass
    raw.send(b"CONFIG GET hz\r\n")
    expected = b"%1\r\n$2\r\nhz\r\n$2\r\n10\r\n"
    assert raw.read_exactly(expected) == expected


def test_config_set_several_parameters_at_once(r: redis.Redis) -> None:
    assert r.execute_command("CONFIG SET", "maxmemory", "10mb", "hz", "20", "maxmemory-policy", "allkeys-lru") is True
    assert r.config_get("maxmemory", "hz", "maxmemory-policy") == {
        "maxmemory": "10485760", "hz": "20", "maxmemory-policy": "allkeys-lru"}


@pytest.mark.parametrize(
    "args, error",
    [
        (["maxmemory", "abc"], "CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"),
        (["maxmemory", "-1"], "CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"),
        (["maxmemory", "1.5mb"], "CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"),
        (["foo", "bar"], "Unknown option or number of arguments for CONFIG SET - 'foo'"),
        (["FOO", "bar"], "Unknown option or number of arguments for CONFIG SET - 'FOO'"),
        (["databases", "1"], "CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"),
        (["DATABASES", "1"], "CONFIG SET failed (possibly related to argument 'DATABASES') - can't set immutable config"),
        (["daemonize", "yes"], "CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"),
        (["hz", "1", "hz", "2"], "CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter"),
        (["hz", "abc"], "CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"),
        (["HZ", "abc"], "CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"),
        (["timeout", "-1"], "CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive"),
        (["maxclients", "0"], "CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"),
        (["proto-max-bulk-len", "10"], "CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive"),
        (["appendonly", "maybe"], "CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"),
        (["maxmemory-policy", "foo"], "CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"),
        (["loglevel", "loud"], "CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning"),
        (["save", "1 a"], "CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"),
        (["save", "1"], "CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"),
        (["databases", "1", "foo", "bar"], "CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"),
        (["foo", "bar", "databases", "1"], "Unknown option or number of arguments for CONFIG SET - 'foo'"),
        (["hz", "abc", "databases", "1"], "CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"),
        (["maxmemory"], "wrong number of arguments for 'config|set' command"),
    ],
)
def test_config_set_errors_match_redis(r: redis.Redis, args: list[str], error: str) -> None:
    with pytest.raises(redis.ResponseError) as caught:
        r.execute_command("CONFIG SET", *args)
    assert str(caught.value) == error


def test_config_set_is_atomic_one_bad_value_applies_nothing(r: redis.Redis) -> None:
    with pytest.raises(redis.ResponseError):
        r.execute_command("CONFIG SET", "maxmemory", "5mb", "hz", "abc")
    assert r.config_get("maxmemory", "hz") == {"maxmemory": "0", "hz": "10"}


@pytest.mark.parametrize("value, shown", [("1000", "500"), ("0", "1"), ("12", "12")])
def test_config_set_hz_is_clamped_into_1_to_500(r: redis.Redis, value: str, shown: str) -> None:
    assert r.config_set("hz", value) is True
    assert r.config_get("hz") == {"hz": shown}


@pytest.mark.parametrize("value, shown", [("1kb", "1024"), ("1k", "1000"), ("2mb", "2097152"), ("1GB", "1073741824")])
def test_config_set_memory_units(r: redis.Redis, value: str, shown: str) -> None:
    r.config_set("maxmemory", value)
    assert r.config_get("maxmemory") == {"maxmemory": shown}


def test_config_get_and_set_through_an_alias(r: redis.Redis) -> None:
    assert r.config_get("hash-max-listpack-entries") == {"hash-max-listpack-entries": "512"}
    try:
        r.config_set("hash-max-ziplist-entries", "100")
        assert r.config_get("hash-max-listpack-entries") == {"hash-max-listpack-entries": "100"}
    finally:
        r.config_set("hash-max-listpack-entries", "512")


def test_config_resetstat_clears_connection_counters(r: redis.Redis) -> None:
    with pytest.raises(redis.ResponseError):
        r.execute_command("NO-SUCH-COMMAND")
    assert r.config_resetstat() is True
    assert r.info("stats")["total_error_replies"] == 0
    assert r.info("errorstats") == {}
    assert set(r.info("commandstats")) <= {"cmdstat_info", "cmdstat_config|resetstat"}


def test_config_resetstat_clears_keyspace_hits_and_misses(r: redis.Redis) -> None:
    r.get("missing")
    r.config_resetstat()
    assert r.info("stats")["keyspace_misses"] == 0


def test_config_rewrite_without_a_config_file_fails(r: redis.Redis) -> None:
    with pytest.raises(redis.ResponseError, match="^The server is running without a config file$"):
        r.config_rewrite()


def test_config_rewrite_keeps_comments_and_writes_changes(target: str, tmp_path: Path) -> None:
    conf = tmp_path / "server.conf"
    conf.write_text("# my settings\nhz 15\nmaxmemory-policy allkeys-lru\n")
    os.chmod(tmp_path, 0o777)
    port = free_port()
    if target == "shardis":
        command = [sys.executable, "-m", "actors", str(conf), "--port", str(port), "--save", ""]
    else:
        command = [shutil.which("redis-server"), str(conf), "--port", str(port), "--save", "", "--dir", str(tmp_path)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port, socket_timeout=5)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        assert client.config_get("hz") == {"hz": "15"}
        client.config_set("hz", "25")
        client.config_set("maxmemory", "1mb")
        assert client.config_rewrite() == b"OK"
        text = conf.read_text()
        assert text.startswith("# my settings\nhz 25\nmaxmemory-policy allkeys-lru\n")
        assert "\nmaxmemory 1mb\n" in text or "\nmaxmemory 1048576\n" in text
        client.close()
    finally:
        process.terminate()
        process.wait(10)


def test_config_help(r: redis.Redis) -> None:
    lines = [line.decode() if isinstance(line, bytes) else line for line in r.execute_command("CONFIG HELP")]
    assert lines == [
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.",
    ]
