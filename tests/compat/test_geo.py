"""Geospatial commands, black-box: exact replies and errors, and random
points and searches sent to shardis and redis-server side by side (scores,
GEOHASH strings, GEOPOS digits, distances and search results must agree)."""

from __future__ import annotations

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compat.conftest import _server
from tests.compat.test_strings import NOT_FLOAT, OK, SYNTAX, Err, run_script
from tests.servers import redis_server_path

SICILY = "GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania"
UNIT = Err("ERR unsupported unit provided. please use M, KM, FT, MI")

CASES = {
    "geoadd_stores_redis_scores": [
        (SICILY, 2), ("ZSCORE g Palermo", b"3479099956230698"), ("ZSCORE g Catania", b"3479447370796909"),
        ("TYPE g", "zset")],
    "geoadd_nx_xx_ch": [
        (SICILY, 2), ("GEOADD g NX 1 1 Palermo 2 2 Rome", 1), ("GEOADD g XX CH 1 1 Palermo 3 3 Paris", 1),
        ("ZCARD g", 3), ("GEOADD g NX XX 1 1 a", SYNTAX), ("GEOADD g 1 1 x 2", SYNTAX)],
    "geoadd_refuses_positions_outside_the_mercator_range": [
        ("GEOADD g 181 10 x", Err("ERR invalid longitude,latitude pair 181.000000,10.000000")),
        ("GEOADD g 10 85.06 x", Err("ERR invalid longitude,latitude pair 10.000000,85.060000")),
        ("GEOADD g abc 10 x", NOT_FLOAT), ("EXISTS g", 0)],
    "geopos_returns_the_cell_centre": [
        (SICILY, 2),
        ("GEOPOS g Palermo nobody", [[b"13.36138933897018433", b"38.11555639549629859"], None])],
    "geodist_in_every_unit": [
        (SICILY, 2), ("GEODIST g Palermo Catania", b"166274.1516"), ("GEODIST g Palermo Catania km", b"166.2742"),
        ("GEODIST g Palermo Catania MI", b"103.3182"), ("GEODIST g Palermo Catania ft", b"545518.8700"),
        ("GEODIST g Palermo nobody", None), ("GEODIST nokey a b", None),
        ("GEODIST g Palermo Catania yd", UNIT), ("GEODIST g Palermo Catania km x", SYNTAX)],
    "geohash_gives_standard_eleven_character_hashes": [
        (SICILY, 2), ("GEOHASH g Palermo Catania nobody", [b"sqc8b49rny0", b"sqdtr74hyu0", None]),
        ("GEOHASH nokey a", [None])],
    "georadius_and_geosearch_find_members_in_the_shape": [
        (SICILY, 2),
        ("GEORADIUS g 15 37 200 km WITHDIST ASC",
         [[b"Catania", b"56.4413"], [b"Palermo", b"190.4424"]]),
        ("GEORADIUS g 15 37 100 km", [b"Catania"]),
        ("GEORADIUSBYMEMBER g Palermo 200 km DESC COUNT 1", [b"Catania"]),
        ("GEOSEARCH g FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHHASH",
         [[b"Catania", 3479447370796909], [b"Palermo", 3479099956230698]]),
        ("GEOSEARCH g FROMMEMBER Palermo BYRADIUS 1 m WITHCOORD",
         [[b"Palermo", [b"13.36138933897018433", b"38.11555639549629859"]]]),
        ("GEOSEARCH nokey FROMMEMBER x BYRADIUS 1 m", [])],
    "store_variants_write_a_sorted_set": [
        (SICILY, 2), ("GEORADIUS g 15 37 200 km STOREDIST d", 2),
        ("ZRANGE d 0 -1 WITHSCORES", [b"Catania", b"56.441257870158204", b"Palermo", b"190.44242984775784"]),
        ("GEOSEARCHSTORE d2 g FROMLONLAT 15 37 BYRADIUS 100 km", 1), ("ZSCORE d2 Catania", b"3479447370796909"),
        ("GEOSEARCHSTORE d2 g FROMLONLAT 0 0 BYRADIUS 1 km", 0), ("EXISTS d2", 0)],
    "search_errors_are_redis_texts": [
        (SICILY, 2),
        ("GEORADIUS g 15 37 -1 km", Err("ERR radius cannot be negative")),
        ("GEORADIUS g 15 37 x km", Err("ERR need numeric radius")),
        ("GEORADIUS g 15 37 1 parsec", UNIT),
        ("GEORADIUS g 15 37 1 km COUNT 0", Err("ERR COUNT must be > 0")),
        ("GEORADIUS g 15 37 1 km ANY", Err("ERR the ANY argument requires COUNT argument")),
        ("GEORADIUS g 15 37 1 km WITHDIST STORE d",
         Err("ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options")),
        ("GEORADIUS_RO g 15 37 1 km STORE d", SYNTAX),
        ("GEORADIUSBYMEMBER g nobody 1 km", Err("ERR could not decode requested zset member")),
        ("GEOSEARCH g BYRADIUS 1 km ASC WITHDIST", Err("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH")),
        ("GeoSearch g FROMLONLAT 1 1 ASC WITHDIST", Err("ERR exactly one of BYRADIUS and BYBOX can be specified for GeoSearch")),
        ("GEOSEARCH g FROMLONLAT 1 1 BYBOX -1 1 km", Err("ERR height or width cannot be negative")),
        ("GEOSEARCH g FROMLONLAT 1 1 BYBOX 1 x km", Err("ERR need numeric height")),
        ("GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 1 km BYBOX 1 1 km", SYNTAX),
        ("GEOSEARCHSTORE d g FROMLONLAT 1 1 BYRADIUS 1 km WITHDIST",
         Err("ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"))],
    "geo_commands_on_a_string_are_wrongtype": [
        ("SET s x", OK), ("GEOADD s 1 1 a", Err("WRONGTYPE Operation against a key holding the wrong kind of value")),
        ("GEOPOS s a", Err("WRONGTYPE Operation against a key holding the wrong kind of value"))],
}


@pytest.mark.parametrize("script", CASES.values(), ids=CASES.keys())
def test_geo_script_gives_redis_replies(raw, script) -> None:
    run_script(raw, script)


def test_geopos_in_resp3_is_a_pair_of_doubles(r3) -> None:
    r3.execute_command(*SICILY.split())
    [position] = r3.geopos("g", "Palermo")
    assert position == pytest.approx((13.36138933897018433, 38.11555639549629859), abs=1e-15)


# -- side by side ----------------------------------------------------------------------
needs_oracle = pytest.mark.skipif(redis_server_path() is None, reason="no redis-server to compare with")
members = st.sampled_from([f"m{i}" for i in range(12)])
longitudes = st.one_of(
    st.floats(-180, 180), st.floats(13, 14), st.sampled_from([-180.0, 180.0, 0.0])
).map(repr)
latitudes = st.one_of(
    st.floats(-85.05112878, 85.05112878), st.floats(37, 38), st.sampled_from([85.05112878, -85.05112878])
).map(repr)
radii = st.sampled_from(["10", "1000", "100000", "2000000", "9000000"])
units = st.sampled_from(["m", "km", "mi", "ft"])
order = st.sampled_from(["ASC", "DESC"])
withs = st.lists(st.sampled_from(["WITHDIST", "WITHHASH", "WITHCOORD"]), unique=True, max_size=3)
count = st.one_of(st.just([]), st.integers(1, 5).map(lambda n: ["COUNT", str(n)]))
origin = st.one_of(
    st.tuples(st.just("FROMMEMBER"), members), st.tuples(st.just("FROMLONLAT"), longitudes, latitudes)
)
shape = st.one_of(st.tuples(st.just("BYRADIUS"), radii, units), st.tuples(st.just("BYBOX"), radii, radii, units))
commands = st.one_of(
    st.builds(lambda points: ("GEOADD", "g", *[part for point in points for part in point]),
              st.lists(st.tuples(longitudes, latitudes, members), min_size=1, max_size=4)),
    st.builds(lambda ms: ("GEOPOS", "g", *ms), st.lists(members, min_size=1, max_size=3)),
    st.builds(lambda ms: ("GEOHASH", "g", *ms), st.lists(members, min_size=1, max_size=3)),
    st.builds(lambda a, b, unit: ("GEODIST", "g", a, b, unit), members, members, units),
    st.builds(lambda o, s, sort, w, c: ("GEOSEARCH", "g", *o, *s, sort, *w, *c), origin, shape, order, withs, count),
    st.builds(lambda lon, lat, r, unit, sort, w, c: ("GEORADIUS", "g", lon, lat, r, unit, sort, *w, *c),
              longitudes, latitudes, radii, units, order, withs, count),
    st.builds(lambda m, r, unit, sort, w: ("GEORADIUSBYMEMBER_RO", "g", m, r, unit, sort, *w),
              members, radii, units, order, withs),
    st.builds(lambda o, s, sort, dist: ("GEOSEARCHSTORE", "d", "g", *o, *s, sort, *dist),
              origin, shape, order, st.sampled_from([[], ["STOREDIST"]])),
)


def _reply(client: redis.Redis, command: tuple) -> object:
    try:
        return client.execute_command(*command)
    except redis.ResponseError as error:
        return ("error", str(error))


@needs_oracle
@pytest.mark.parametrize("protocol", [2, 3], ids=["resp2", "resp3"])
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(script=st.lists(commands, min_size=1, max_size=20))
def test_random_geo_commands_match_redis_side_by_side(protocol, script) -> None:
    clients = []
    for kind in ("shardis", "redis"):
        running = _server(kind)
        client = redis.Redis(host=running.host, port=running.port, protocol=protocol)
        client.response_callbacks.clear()
        client.delete("g", "d")
        clients.append(client)
    try:
        for command in script:
            shardis, oracle = (_reply(client, command) for client in clients)
            assert shardis == oracle, f"{command!r}: shardis {shardis!r} != redis {oracle!r}"
        for key in ("g", "d"):
            ranges = [client.execute_command("ZRANGE", key, 0, -1, "WITHSCORES") for client in clients]
            assert ranges[0] == ranges[1], key
    finally:
        for client in clients:
            client.close()
