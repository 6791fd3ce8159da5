"""Pub/sub with the shardis Trio client: a subscriber task, a publisher, pattern
subscriptions, and (RESP3) commands on the subscribed connection.

    make run            # in one terminal
    python examples/client_pubsub.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _server import HOST, PORT  # noqa: E402
from client import Message, open_client  # noqa: E402


async def main() -> None:
    async with open_client(f"redis://{HOST}:{PORT}/0", decode=True) as c:
        received: list[Message] = []
        async with c.subscribe("orders", pattern="alerts.*") as sub:
            # Entering the block waited for every confirmation: publishing now is safe.
            async def listen() -> None:
                async for message in sub:
                    received.append(message)
                    if len(received) == 3:
                        return

            async with trio.open_nursery() as nursery:
                nursery.start_soon(listen)
                assert await c.publish("orders", "order #1") == 1
                assert await c.publish("alerts.disk", "disk 91% full") == 1
                # RESP3: the subscribed connection runs commands between messages.
                await sub.set("last-order", "#2")
                assert await sub.publish("orders", "order #2") == 1
        for message in received:
            print(f"{message.kind}: {message.channel} -> {message.data}"
                  + (f" (pattern {message.pattern})" if message.pattern else ""))
        assert [m.data for m in received] == ["order #1", "disk 91% full", "order #2"]
        assert received[1] == Message("pmessage", "alerts.disk", "disk 91% full", "alerts.*")
        assert await c.get("last-order") == "#2"
        await c.delete("last-order")


if __name__ == "__main__":
    trio.run(main)
