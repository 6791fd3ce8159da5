"""Persistence with redis-py: DUMP/RESTORE, BGSAVE without fork, LASTSAVE, INFO
persistence, the AOF (CONFIG SET appendonly, BGREWRITEAOF, BGSAVE SCHEDULE,
auto-aof-rewrite) and -MISCONF after a failed save.

    make run            # in one terminal
    python examples/persistence.py
"""

from __future__ import annotations

import os
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
    aof(r)
    misconf(r)


def wait_for(r: redis.Redis, field: str, value: object) -> None:
    deadline = time.monotonic() + 30
    while r.info("persistence")[field] != value:
        assert time.monotonic() < deadline
        time.sleep(0.01)


def aof(r: redis.Redis) -> None:
    """appendonly yes at runtime writes a base first (dir/appendonlydir), as Redis does."""
    was_on = r.config_get("appendonly")["appendonly"] == "yes"
    r.config_set("appendonly", "yes")
    wait_for(r, "aof_rewrite_in_progress", 0)
    r.set("aof:key", "written to the incremental file")
    # A BGSAVE asked while a rewrite runs must say SCHEDULE; it starts after it.
    r.bgrewriteaof()
    try:
        r.bgsave()
    except redis.ResponseError as error:
        assert "Use BGSAVE SCHEDULE" in str(error)
        assert r.bgsave(schedule=True)
    wait_for(r, "aof_rewrite_in_progress", 0)
    wait_for(r, "rdb_bgsave_in_progress", 0)
    # The AOF is rewritten by itself once it grows by this much over its size
    # after the last rewrite (and is at least min-size).
    print("auto rewrite:", r.config_get("auto-aof-rewrite-*"))
    if not was_on:
        r.config_set("appendonly", "no")


def misconf(r: redis.Redis) -> None:
    """A failed save (with save rules and stop-writes-on-bgsave-error yes)
    refuses writes with -MISCONF; reads go on; the next good save clears it.
    Only against a local server: it blocks the file with a directory."""
    directory = r.config_get("dir")["dir"]
    if HOST not in ("127.0.0.1", "localhost") or not os.path.isabs(directory) or not os.path.isdir(directory):
        return
    saved = r.config_get("dbfilename")["dbfilename"], r.config_get("save")["save"]
    blocker = os.path.join(directory, "example-blocked.rdb")
    r.config_set("dbfilename", "example-blocked.rdb")
    r.config_set("save", "3600 1")
    os.mkdir(blocker)  # the save's final rename fails on a directory
    try:
        r.bgsave()
        wait_for(r, "rdb_last_bgsave_status", "err")
        try:
            r.set("misconf:key", "refused")
        except redis.ResponseError as error:
            print("write refused:", str(error)[:60], "...")
        assert r.get("aof:key") is not None  # reads keep working
    finally:
        os.rmdir(blocker)
        r.save()  # a good save clears it
        r.config_set("dbfilename", saved[0])
        r.config_set("save", saved[1])
        os.remove(blocker)
    assert r.set("misconf:key", "accepted")


if __name__ == "__main__":
    main()
