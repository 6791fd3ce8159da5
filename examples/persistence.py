"""Persistence with redis-py: DUMP/RESTORE, BGSAVE without fork, LASTSAVE, INFO persistence.

    make run            # in one terminal
    python examples/persistence.py
"""

from __future__ import annotations

import time

import redis

from _server import HOST, PORT


def main() -> None:
    r = redis.Redis(host=HOST, port=PORT)
    r.delete("profile", "profile:copy")

    # DUMP gives Redis's own payload: it RESTOREs here or in redis-server 7.0.
    r.hset("profile", mapping={"name": "ada", "lang": "python"})
    payload = r.dump("profile")
    r.restore("profile:copy", 60_000, payload)
    assert r.hgetall("profile:copy") == {b"name": b"ada", b"lang": b"python"}
    assert 0 < r.pttl("profile:copy") <= 60_000

    # BGSAVE walks the shards between batches: writes keep being served, and
    # the file (dump.rdb in `dir`) is the data as it was when BGSAVE started.
    before = r.lastsave()
    r.bgsave()
    deadline = time.monotonic() + 30
    while r.info("persistence")["rdb_bgsave_in_progress"]:
        r.incr("counter")
        assert time.monotonic() < deadline
        time.sleep(0.01)
    info = r.info("persistence")
    assert info["rdb_last_bgsave_status"] == "ok"
    assert r.lastsave() >= before
    print("saved; last save at", r.lastsave())


if __name__ == "__main__":
    main()
