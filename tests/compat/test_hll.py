"""HyperLogLog commands, black-box: exact replies, exact raw bytes, and
HLLs moved between shardis and redis-server in both directions."""

from __future__ import annotations

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compat.conftest import _server
from tests.compat.test_strings import OK, Err, execute, run_script
from tests.servers import redis_server_path

HLL_WRONGTYPE = Err("WRONGTYPE Key is not a valid HyperLogLog string value.")
INVALIDOBJ = Err("INVALIDOBJ Corrupted HLL object detected")
EMPTY_SPARSE = b"HYLL\x01\x00\x00\x00" + bytes(7) + b"\x80" + b"\x7f\xff"

CASES = {
    "pfadd_reports_whether_a_register_changed": [
        ("PFADD h a b c", 1), ("PFADD h a b c", 0), ("PFCOUNT h", 3), ("PFADD h d", 1), ("PFCOUNT h", 4)],
    "pfadd_without_elements_creates_an_empty_hll_once": [
        ("PFADD h", 1), ("PFADD h", 0), ("PFCOUNT h", 0), ("GET h", b"HYLL\x01\x00\x00\x00" + bytes(8) + b"\x7f\xff")],
    "pfcount_of_a_missing_key_is_zero": [("PFCOUNT nope", 0), ("PFCOUNT nope other", 0)],
    "pfcount_of_several_keys_counts_the_union": [
        ("PFADD a x y z", 1), ("PFADD b z w", 1), ("PFCOUNT a b", 4), ("PFCOUNT a b missing", 4)],
    "pfmerge_merges_into_the_destination": [
        ("PFADD a x y", 1), ("PFADD b y z", 1), ("PFMERGE d a b", OK), ("PFCOUNT d", 3),
        ("PFMERGE d", OK), ("PFCOUNT d", 3), ("PFMERGE e", OK), ("PFCOUNT e", 0)],
    "pf_commands_on_a_plain_string_are_wrongtype": [
        ("SET s hello", OK), ("PFADD s a", HLL_WRONGTYPE), ("PFCOUNT s", HLL_WRONGTYPE),
        ("PFMERGE d s", HLL_WRONGTYPE), ("PFCOUNT s other", HLL_WRONGTYPE), ("SET n 123", OK),
        ("PFADD n a", HLL_WRONGTYPE)],
    "pf_commands_on_a_list_are_the_usual_wrongtype": [
        ("LPUSH l a", 1), ("PFADD l a", Err("WRONGTYPE Operation against a key holding the wrong kind of value"))],
    "pfdebug_reports_the_encoding_and_converts_to_dense": [
        ("PFADD h a b", 1), ("PFDEBUG ENCODING h", "sparse"), ("PFDEBUG DECODE h", b"Z:12711 v:2,1 Z:3068 v:1,1 Z:603"),
        ("PFDEBUG TODENSE h", 1), ("PFDEBUG ENCODING h", "dense"), ("PFDEBUG TODENSE h", 0),
        ("PFDEBUG DECODE h", Err("ERR HLL encoding is not sparse")), ("PFCOUNT h", 2),
        ("PFDEBUG ENCODING nope", Err("ERR The specified key does not exist")),
        ("PFDEBUG NOPE h", Err("ERR Unknown PFDEBUG subcommand 'NOPE'"))],
    "pfselftest_passes": [("PFSELFTEST", OK)],
}


@pytest.mark.parametrize("script", CASES.values(), ids=CASES.keys())
def test_hll_script_gives_redis_replies(raw, script) -> None:
    run_script(raw, script)


def test_pfadd_of_a_new_key_stores_redis_bytes(raw) -> None:
    assert execute(raw, "PFADD", "h") == 1
    assert execute(raw, "GET", "h") == EMPTY_SPARSE[:15] + b"\x80" + b"\x7f\xff"


@pytest.mark.parametrize(
    "value, reply",
    [
        (b"HYLL", HLL_WRONGTYPE),
        (b"HYLL\x02" + bytes(11) + b"\x7f\xff", HLL_WRONGTYPE),
        (b"HYLL\x00" + bytes(11) + bytes(100), HLL_WRONGTYPE),
        # The top bit of the cached cardinality marks the cache stale, so PFCOUNT reads the registers.
        (b"HYLL\x01" + bytes(10) + b"\x80\x7f\xfe", INVALIDOBJ),
        (b"HYLL\x01" + bytes(10) + b"\x80\x7f\xff\x80", INVALIDOBJ),
        (b"HYLL\x01" + bytes(11) + b"\x7f\xfe", 0),
    ],
    ids=[
        "too_short", "unknown_encoding", "dense_of_the_wrong_size", "sparse_too_few_registers",
        "sparse_too_many", "a_valid_cache_is_trusted",
    ],
)
def test_invalid_hll_strings_are_refused_as_redis_does(raw, value, reply) -> None:
    execute(raw, "SET", "h", value)
    assert execute(raw, "PFCOUNT", "h") == reply


# -- side by side ----------------------------------------------------------------------
needs_oracle = pytest.mark.skipif(redis_server_path() is None, reason="no redis-server to compare with")


def _clients() -> list[redis.Redis]:
    clients = []
    for kind in ("shardis", "redis"):
        running = _server(kind)
        client = redis.Redis(host=running.host, port=running.port, protocol=2)
        client.response_callbacks.clear()
        client.delete("h1", "h2", "h3")
        clients.append(client)
    return clients


batches = st.lists(st.binary(min_size=0, max_size=12), min_size=0, max_size=40)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("PFADD"), st.sampled_from(["h1", "h2"]), batches),
        st.tuples(st.just("BULK"), st.sampled_from(["h1", "h2"]), st.integers(0, 10**6), st.sampled_from([50, 400, 3000])),
        st.tuples(st.just("PFCOUNT"), st.sampled_from(["h1", "h2"])),
        st.tuples(st.just("PFMERGE"), st.sampled_from(["h1", "h2", "h3"]), st.sampled_from(["h1", "h2"])),
    ),
    min_size=1,
    max_size=12,
)


@needs_oracle
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(operations)
def test_random_hll_operations_give_the_same_replies_and_bytes(script) -> None:
    clients = _clients()
    try:
        for operation in script:
            if operation[0] == "PFADD":
                command = ("PFADD", operation[1], *operation[2])
            elif operation[0] == "BULK":
                command = ("PFADD", operation[1], *(b"e%d" % (operation[2] + i) for i in range(operation[3])))
            else:
                command = operation
            replies = [client.execute_command(*command) for client in clients]
            assert replies[0] == replies[1], command
            for key in ("h1", "h2", "h3"):
                assert clients[0].get(key) == clients[1].get(key), (command, key)
    finally:
        for client in clients:
            client.close()


@needs_oracle
@pytest.mark.parametrize("size", [10, 2000, 20000])
def test_an_hll_moves_between_servers_in_both_directions(size) -> None:
    shardis, oracle = _clients()
    try:
        elements = [b"x%d" % i for i in range(size)]
        oracle.execute_command("PFADD", "h1", *elements)
        shardis.set("h1", oracle.get("h1"))
        assert shardis.execute_command("PFCOUNT", "h1") == oracle.execute_command("PFCOUNT", "h1")
        shardis.execute_command("PFADD", "h1", "more", "elements")
        oracle.set("h2", shardis.get("h1"))
        oracle.execute_command("PFADD", "h1", "more", "elements")
        assert oracle.get("h2") == oracle.get("h1")
        assert oracle.execute_command("PFCOUNT", "h2") == shardis.execute_command("PFCOUNT", "h1")
    finally:
        shardis.close()
        oracle.close()
