"""INFO: sections, the fields clients and exporters read, formats."""

from __future__ import annotations

import re

import pytest
import redis

from tests.compat.conftest import RawConnection

DEFAULT = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
           "Errorstats", "Cluster", "Keyspace"]
ALL = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
       "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"]


def info_text(server, *args: str) -> bytes:
    """INFO's bulk as sent (redis-py would parse it into a dict)."""
    connection = RawConnection(server.port)
    try:
        words = [b"INFO", *(arg.encode() for arg in args)]
        connection.send(b"*%d\r\n" % len(words) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words))
        size = int(connection.read_line()[1:-2])
        return connection.read_exactly(b"x" * (size + 2))[:-2]
    finally:
        connection.close()


def headers(text: bytes) -> list[str]:
    return [line[2:] for line in text.decode().split("\r\n") if line.startswith("# ")]


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], DEFAULT),
        (["default"], DEFAULT),
        (["all"], ALL),
        (["everything"], ALL),
        (["server"], ["Server"]),
        (["CLUSTER"], ["Cluster"]),
        (["keyspace", "cpu"], ["CPU", "Keyspace"]),
        (["commandstats", "server"], ["Server", "Commandstats"]),
        (["nosuchsection"], []),
    ],
)
def test_info_sections_in_redis_order(server, args: list[str], expected: list[str]) -> None:
    assert headers(info_text(server, *args)) == expected


def test_sections_are_separated_by_an_empty_line(raw: RawConnection) -> None:
    raw.send(b"INFO cluster cluster\r\n")
    expected = b"$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n"
    assert raw.read_exactly(expected) == expected
    raw.send(b"INFO cluster keyspace\r\n")
    expected = b"$44\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\n\r\n"
    assert raw.read_exactly(expected) == expected


def test_unknown_section_is_an_empty_bulk(raw: RawConnection) -> None:
    raw.send(b"INFO nosuch\r\n")
    assert raw.read_exactly(b"$0\r\n\r\n") == b"$0\r\n\r\n"


def test_redis_py_parses_the_fields_exporters_read(rp: redis.Redis) -> None:
    rp.set("a", 1)
    rp.set("b", 2, ex=1000)
    rp.get("a")
    rp.get("missing")
    info = rp.info()
    assert info["redis_version"] == "7.0.15"
    assert info["arch_bits"] == 64
    assert info["cluster_enabled"] == 0
    assert info["connected_clients"] >= 1
    assert info["used_memory"] > 0
    assert info["total_commands_processed"] > 0
    assert info["keyspace_hits"] >= 1
    assert info["keyspace_misses"] >= 1
    assert info["role"] == "master"
    assert info["db0"]["keys"] == 2
    assert info["db0"]["expires"] == 1
    assert isinstance(info["db0"]["avg_ttl"], int)
    assert isinstance(info["uptime_in_seconds"], int)
    assert isinstance(info["process_id"], int)


def test_keyspace_lists_only_databases_with_keys(r: redis.Redis, server) -> None:
    with redis.Redis(host=server.host, port=server.port, db=5) as other:
        other.set("x", "1")
    assert set(r.info("keyspace")) == {"db5"}
    assert r.info("keyspace")["db5"]["keys"] == 1


def test_commandstats_format(server, r: redis.Redis) -> None:
    r.config_resetstat()
    r.set("k", "v")
    r.config_get("hz")
    text = info_text(server, "commandstats").decode()
    line = re.compile(r"^cmdstat_[a-z|\-]+:calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=\d+,failed_calls=\d+$")
    lines = text.split("\r\n")[1:-1]
    assert text.startswith("# Commandstats\r\n")
    assert lines and all(line.match(entry) for entry in lines)
    stats = r.info("commandstats")
    assert stats["cmdstat_set"]["calls"] == 1
    assert stats["cmdstat_config|get"]["calls"] == 1


def test_errorstats_counts_by_error_prefix(server, r: redis.Redis) -> None:
    r.config_resetstat()
    for _ in range(2):
        with pytest.raises(redis.ResponseError):
            r.execute_command("NOSUCHCOMMAND")
    assert info_text(server, "errorstats") == b"# Errorstats\r\nerrorstat_ERR:count=2\r\n"
    assert r.info("stats")["total_error_replies"] == 2
