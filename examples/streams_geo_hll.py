"""Streams with a consumer group, geo indexes, HyperLogLog counters and
bitmaps, with redis-py.

    make run            # in one terminal
    python examples/streams_geo_hll.py
"""

from __future__ import annotations

import redis

from _server import HOST, PORT


def main() -> None:
    r = redis.Redis(host=HOST, port=PORT, protocol=2, decode_responses=True)
    r.delete("orders", "sicily", "near", "visitors:mon", "visitors:tue", "visitors:week", "logins", "counters")

    # Streams: append, read a range, hand entries to a consumer group, acknowledge.
    r.xadd("orders", {"item": "book"}, id="1-1")
    r.xadd("orders", {"item": "pen"}, id="1-2")
    assert r.xrange("orders", "-", "+", count=1) == [("1-1", {"item": "book"})]
    r.xgroup_create("orders", "packers", id="0")
    assert r.xreadgroup("packers", "alice", {"orders": ">"}, count=1) == [
        ["orders", [("1-1", {"item": "book"})]]]
    assert r.xpending("orders", "packers")["pending"] == 1
    assert r.xack("orders", "packers", "1-1") == 1
    assert r.xinfo_groups("orders")[0]["lag"] == 1

    # Geo: a sorted set scored by Redis's 52-bit geohash.
    r.geoadd("sicily", [13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"])
    assert r.zscore("sicily", "Palermo") == 3479099956230698
    assert r.geodist("sicily", "Palermo", "Catania", unit="km") == 166.2742
    assert r.geohash("sicily", "Palermo") == ["sqc8b49rny0"]
    assert r.geosearch("sicily", longitude=15, latitude=37, radius=200, unit="km", sort="ASC") == [
        "Catania", "Palermo"]
    assert r.geosearchstore("near", "sicily", longitude=15, latitude=37, radius=100, unit="km") == 1

    # HyperLogLog: the same bytes as redis-server, so an HLL can move between them.
    r.pfadd("visitors:mon", *[f"user:{n}" for n in range(1000)])
    r.pfadd("visitors:tue", *[f"user:{n}" for n in range(500, 1500)])
    assert abs(r.pfcount("visitors:mon", "visitors:tue") - 1500) < 30
    r.pfmerge("visitors:week", "visitors:mon", "visitors:tue")
    assert r.pfcount("visitors:week") == r.pfcount("visitors:mon", "visitors:tue")
    assert r.execute_command("PFDEBUG", "ENCODING", "visitors:week") in ("sparse", "dense")

    # Bitmaps and bitfields on plain strings.
    for day in (0, 3, 4, 9):
        r.setbit("logins", day, 1)
    assert r.bitcount("logins") == 4
    assert r.bitpos("logins", 0) == 1
    assert r.bitfield("counters").incrby("u8", "#0", 250).incrby("u8", "#0", 10).execute() == [250, 4]
    assert r.bitfield("counters").overflow("SAT").incrby("u8", "#1", 300).execute() == [255]
    print("stream, geo, hll and bitmap examples ok")


if __name__ == "__main__":
    main()
