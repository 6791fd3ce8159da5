"""The pytest plugin (actors/testing.py, client/testing.py), as its users meet it:
``pytester`` runs small test files in a fresh pytest process, which finds the
plugin through its ``pytest11`` entry points, as any project with shardis
installed would."""

from __future__ import annotations

import subprocess
import sys

import pytest
import trio

from actors.testing import ShardisServer

pytest_plugins = ["pytester"]

TRIO_MODE_INI = "[pytest]\ntrio_mode = true\n"

SYNC_TESTS = '''
import redis

def test_a_sets_a_key(shardis_server):
    r = redis.Redis(host=shardis_server.host, port=shardis_server.port)
    assert r.get("left-over") is None
    r.set("left-over", "from test a")
    assert shardis_server.in_process is False

def test_b_does_not_see_it(shardis_server):
    r = redis.Redis.from_url(shardis_server.url, decode_responses=True)
    assert r.get("left-over") is None
    assert r.dbsize() == 0
    r.set("left-over", "from test b")

def test_c_shares_the_session_server_with_b(shardis_server):
    r = redis.Redis.from_url(shardis_server.url)
    assert r.dbsize() == 0
'''

TRIO_TESTS = '''
import trio

async def test_a_sets_a_key(shardis_client, shardis_server):
    assert shardis_server.in_process is True
    assert await shardis_client.get("left-over") is None
    assert await shardis_client.set("left-over", "from test a") is True
    assert await shardis_client.get("left-over") == b"from test a"

async def test_b_does_not_see_it(shardis_client):
    assert await shardis_client.get("left-over") is None
    assert await shardis_client.dbsize() == 0

async def test_raw_sockets_reach_the_server(shardis_server):
    stream = await trio.open_tcp_stream(shardis_server.host, shardis_server.port)
    await stream.send_all(b"PING\\r\\n")
    assert await stream.receive_some() == b"+PONG\\r\\n"
    await stream.aclose()

async def test_expiry_follows_the_autojump_clock(shardis_client, autojump_clock):
    await shardis_client.set("session", "s1", ex=60)
    await trio.sleep(59)
    assert await shardis_client.get("session") == b"s1"
    await trio.sleep(2)
    assert await shardis_client.get("session") is None
'''


def test_sync_tests_get_an_empty_keyspace_each_through_redis_py(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sync=SYNC_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=3)


def test_trio_tests_get_a_new_server_each_and_our_client(pytester: pytest.Pytester) -> None:
    pytester.makeini(TRIO_MODE_INI)
    pytester.makepyfile(test_with_trio=TRIO_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=4)


def test_trio_tests_marked_one_by_one_get_the_in_process_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_marked='''
import pytest

@pytest.mark.trio
async def test_marked(shardis_server, shardis_client):
    assert shardis_server.in_process is True
    assert await shardis_client.ping() is True

def test_sync_in_the_same_file(shardis_server):
    assert shardis_server.in_process is False
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_fixtures_are_registered_by_the_entry_points(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--fixtures")
    for fixture in ("shardis_server", "shardis_client", "shardis_process ?session scope?"):
        result.stdout.fnmatch_lines([f"{fixture} -- *"])


def test_loading_the_plugin_imports_no_server_module() -> None:
    code = ("import sys, actors.testing, client.testing; "
            "print(sorted(m for m in sys.modules if m.startswith('actors.') and m != 'actors.testing'))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"


async def test_the_fixture_in_this_suite_is_a_server_in_the_running_loop(
    shardis_server: ShardisServer,
) -> None:
    assert shardis_server.in_process
    assert shardis_server.url == f"redis://127.0.0.1:{shardis_server.port}/0"
    stream = await trio.open_tcp_stream(shardis_server.host, shardis_server.port)
    await stream.send_all(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
    assert await stream.receive_some() == b"+OK\r\n"
    await stream.aclose()
