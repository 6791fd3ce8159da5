"""Timeouts, the pool, reconnection: servers killed and restarted on the same port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import trio

from client import Client, ConnectionError, TimeoutError, open_client
from tests.client.conftest import KINDS, require_redis, url
from tests.client.servers import RestartableServer
from actors.testing import RunningServer, free_port


@pytest.fixture(params=KINDS)
def restartable(request: pytest.FixtureRequest) -> Iterator[RestartableServer]:
    if request.param == "redis":
        require_redis()
    server = RestartableServer(request.param)
    server.start()
    yield server
    server.stop()


async def wait_until_sent(client: Client) -> None:
    """Poll (with a margin) until some pooled connection owes a reply."""
    with trio.fail_after(10):
        while client.pool.statistics().idle == client.pool.statistics().open:
            await trio.sleep(0.005)


async def test_a_killed_server_fails_the_pipeline_in_flight_and_the_client_recovers(
    restartable: RestartableServer,
) -> None:
    async with open_client(url(restartable), reconnect_attempts=20, backoff_cap=0.2) as c:
        await c.set("counter", 0)
        outcome: list[BaseException] = []

        async def run_pipeline() -> None:
            async with c.pipeline() as p:
                p.incr("counter").execute_command("DEBUG", "SLEEP", "5").incr("counter")
                try:
                    await p.execute()
                except ConnectionError as error:
                    outcome.append(error)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(run_pipeline)
            await wait_until_sent(c)
            restartable.kill()
        assert len(outcome) == 1
        restartable.start()
        # The dead pooled connection is noticed and replaced; nothing is replayed
        # on the new server (it starts empty: --save "").
        assert await c.get("counter") is None
        assert await c.incr("counter") == 1
        assert c.pool.statistics().connects == 2


async def test_a_pooled_connection_closed_while_idle_is_replaced(restartable: RestartableServer) -> None:
    async with open_client(url(restartable)) as c:
        await c.set("k", "v")
        restartable.kill()
        restartable.start()
        assert await c.ping() is True
        assert c.pool.statistics().dropped == 1


async def test_connecting_to_nothing_retries_with_backoff_then_raises() -> None:
    async with open_client(f"redis://127.0.0.1:{free_port()}", reconnect_attempts=2,
                           backoff_base=0.001) as c:
        with pytest.raises(ConnectionError, match="cannot connect"):
            await c.ping()
        assert c.pool.statistics().failed_connects == 3


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    from client.options import ConnectionOptions
    from client.pool import backoff_delay

    options = ConnectionOptions(backoff_base=0.1, backoff_cap=1.0)
    for attempt, ceiling in [(0, 0.1), (1, 0.2), (2, 0.4), (3, 0.8), (4, 1.0), (10, 1.0)]:
        delays = {backoff_delay(options, attempt) for _ in range(20)}
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(delays) > 1


async def test_command_timeout_raises_and_drops_the_connection(server: RunningServer) -> None:
    async with open_client(url(server), command_timeout=0.2) as c:
        with pytest.raises(TimeoutError):
            await c.execute("DEBUG", "SLEEP", "0.6")
        assert c.pool.statistics().open == 0
        with trio.fail_after(5):
            while True:  # redis-server is single threaded: wait out the sleep
                try:
                    assert await c.ping() is True
                    break
                except TimeoutError:
                    pass


async def test_idle_connections_are_health_checked_with_ping(server: RunningServer) -> None:
    async with open_client(url(server), health_check_interval=0) as c:
        await c.get("k")
        await c.get("k")
        [connection] = c.pool._idle
        # handshake (2) + GET + PING + GET
        assert connection.statistics().requests_sent == 5


async def test_the_pool_is_bounded_and_every_waiter_is_served(server: RunningServer) -> None:
    async with open_client(url(server), pool_size=2) as c:
        results = []

        async def worker(i: int) -> None:
            results.append(await c.echo(str(i)))

        async with trio.open_nursery() as nursery:
            for i in range(20):
                nursery.start_soon(worker, i)
        assert sorted(results) == sorted(str(i).encode() for i in range(20))
        assert c.pool.statistics().connects <= 2


async def test_a_subscription_resumes_after_the_server_restarts(redis_only: RunningServer) -> None:
    server = RestartableServer("redis")
    server.start()
    try:
        async with open_client(url(server), decode=True, reconnect_attempts=50, backoff_cap=0.1) as c:
            async with c.subscribe("events") as sub:
                await c.execute("PUBLISH", "events", "before")
                assert (await sub.get_message(timeout=5)).data == "before"
                server.kill()
                server.start()

                async def publish_until_subscribed() -> None:
                    with trio.fail_after(10):
                        while await c.execute("PUBLISH", "events", "after") == 0:
                            await trio.sleep(0.01)

                async with trio.open_nursery() as nursery:
                    nursery.start_soon(publish_until_subscribed)
                    message = await sub.get_message(timeout=10)
                assert message.data == "after"
                assert sub.statistics().reconnects == 1
    finally:
        server.stop()
