"""Strings, counters and expiry with redis-py, in RESP3 and RESP2.

    make run            # in one terminal
    python examples/strings_and_expiry.py
"""

from __future__ import annotations

import time

import redis

from _server import HOST, PORT


def main() -> None:
    for protocol in (3, 2):
        r = redis.Redis(host=HOST, port=PORT, protocol=protocol, decode_responses=True)
        r.delete("greeting", "visits", "price", "session")
        r.set("greeting", "hello", ex=60)
        assert r.get("greeting") == "hello"
        assert 0 < r.ttl("greeting") <= 60
        assert r.incr("visits") == 1 and r.incrby("visits", 41) == 42
        assert r.incrbyfloat("price", "10.5") == 10.5
        assert r.append("greeting", " world") == 11
        assert r.getrange("greeting", 0, 4) == "hello"
        r.set("session", "token", px=150)
        deadline = time.monotonic() + 5
        while r.exists("session") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not r.exists("session"), "session should have expired"
        print(f"RESP{protocol}: greeting={r.get('greeting')!r} visits={r.get('visits')} price={r.get('price')}")
        r.close()


if __name__ == "__main__":
    main()
