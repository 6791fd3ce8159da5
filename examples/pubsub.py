"""Pub/Sub and keyspace notifications with redis-py.

    SHARDIS_PORT=6379 python examples/pubsub.py
"""

from __future__ import annotations

import redis

from _server import HOST, PORT


def main() -> None:
    publisher = redis.Redis(host=HOST, port=PORT, decode_responses=True)
    subscriber = redis.Redis(host=HOST, port=PORT, decode_responses=True).pubsub()

    subscriber.subscribe("news")
    subscriber.psubscribe("alerts.*")
    for _ in range(2):
        print("confirmed:", subscriber.get_message(timeout=5))

    receivers = publisher.publish("news", "hello")
    publisher.publish("alerts.disk", "90% full")
    print("PUBLISH reached", receivers, "subscriber(s)")
    for _ in range(2):
        message = subscriber.get_message(timeout=5)
        assert message is not None
        print(message["type"], message["channel"], message["data"])
    print("channels:", publisher.pubsub_channels(), "patterns:", publisher.pubsub_numpat())

    # Keyspace notifications: every event of every class, on both channel kinds.
    publisher.config_set("notify-keyspace-events", "KEA")
    subscriber.psubscribe("__keyevent@0__:*")
    subscriber.get_message(timeout=5)
    publisher.set("example:pubsub:key", "v", ex=60)
    publisher.delete("example:pubsub:key")
    for _ in range(3):  # set, expire, del
        message = subscriber.get_message(timeout=5)
        assert message is not None
        print("event", message["channel"], "on key", message["data"])

    # Classes outside "A": n raises "new" when a command creates a key, m raises
    # "keymiss" when a read finds nothing.
    publisher.config_set("notify-keyspace-events", "Enm$")
    publisher.get("example:pubsub:missing")
    publisher.set("example:pubsub:fresh", "v")
    publisher.delete("example:pubsub:fresh")
    for _ in range(3):  # keymiss, new, set
        message = subscriber.get_message(timeout=5)
        assert message is not None
        print("event", message["channel"], "on key", message["data"])
    publisher.config_set("notify-keyspace-events", "")
    subscriber.close()
    publisher.close()


if __name__ == "__main__":
    main()
