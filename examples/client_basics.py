"""The shardis Trio client: commands, a pipeline, a WATCH transaction, errors.

    make run            # in one terminal
    python examples/client_basics.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _server import HOST, PORT  # noqa: E402
from client import Pipeline, ResponseError, open_client  # noqa: E402


async def main() -> None:
    async with open_client(f"redis://{HOST}:{PORT}/0", decode=True, client_name="basics") as c:
        await c.delete("greeting", "visits", "account:{a}", "account:{b}")
        assert await c.set("greeting", "hello", ex=60) is True
        assert await c.get("greeting") == "hello"
        assert 0 < await c.ttl("greeting") <= 60

        async with c.pipeline() as p:
            p.incr("visits").incr("visits").get("visits")
            assert await p.execute() == [1, 2, "2"]

        await c.mset({"account:{a}": 100, "account:{b}": 0})

        async def transfer(pipe: Pipeline) -> None:
            balance = int(await pipe.get("account:{a}"))
            pipe.multi()
            pipe.set("account:{a}", balance - 30)
            pipe.incrby("account:{b}", 30)

        await c.transaction(transfer, "account:{a}")
        balances = await c.mget("account:{a}", "account:{b}")
        assert balances == ["70", "30"], balances

        try:
            await c.incr("greeting")
        except ResponseError as error:
            print("expected error:", error.message)
        print("greeting:", await c.get("greeting"), "balances:", balances)


if __name__ == "__main__":
    trio.run(main)
