"""Lists, hashes (with field expiry), sets, sorted sets, SORT and a blocking pop, with redis-py.

    make run            # in one terminal
    python examples/collections.py
"""

from __future__ import annotations

import threading
import time

import redis

from _server import HOST, PORT


def main() -> None:
    r = redis.Redis(host=HOST, port=PORT, protocol=3, decode_responses=True)
    r.delete("jobs", "user:1", "tags", "board", "inbox", "done")

    r.rpush("jobs", "a", "b", "c")
    assert r.lrange("jobs", 0, -1) == ["a", "b", "c"]
    assert r.lmove("jobs", "done", "LEFT", "RIGHT") == "a"

    r.hset("user:1", mapping={"name": "ada", "visits": 1})
    assert r.hincrby("user:1", "visits", 41) == 42
    # Per-field expiry (Redis 7.4's HEXPIRE): the field goes, the hash stays.
    assert r.execute_command("HEXPIRE", "user:1", 60, "FIELDS", 1, "visits") == [1]
    assert 0 < r.execute_command("HTTL", "user:1", "FIELDS", 1, "visits")[0] <= 60

    r.sadd("tags", "python", "trio", "redis")
    assert r.sismember("tags", "trio")
    assert sorted(r.sort("tags", alpha=True)) == ["python", "redis", "trio"]

    r.zadd("board", {"ada": 30, "bob": 10, "cy": 20})
    assert r.zrange("board", 0, -1, withscores=True) == [["bob", 10.0], ["cy", 20.0], ["ada", 30.0]]
    assert r.zrank("board", "ada") == 2

    # A blocked BLPOP is served by the next push, inside the same atomic step.
    popped: list = []
    waiter = redis.Redis(host=HOST, port=PORT, decode_responses=True)
    thread = threading.Thread(target=lambda: popped.append(waiter.blpop(["inbox"], timeout=5)))
    thread.start()
    while int(r.info("clients")["blocked_clients"]) == 0 and thread.is_alive():
        time.sleep(0.01)
    r.rpush("inbox", "hello")
    thread.join(10)
    assert popped in ([["inbox", "hello"]], [("inbox", "hello")]), popped
    print("lists, hashes, sets, sorted sets and BLPOP work:", r.zrange("board", 0, -1), popped[0])


if __name__ == "__main__":
    main()
