"""Geo: the geohash arithmetic (actors/engine/types/geohash.py) and the family
handlers (actors/engine/families/geo.py), synchronous."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from protocol.resp.values import NULL_ARRAY, Double

from actors.engine import dispatch
from actors.engine.context import ExecContext
from actors.engine.keyspace import Keyspace
from actors.engine.types import geohash
from actors.engine.types.sorted_set import SortedSet

dispatch.load_families()


def make_context() -> ExecContext:
    keyspace = Keyspace.create(16)
    keyspace.now_ms = 1_700_000_000_000
    return ExecContext(keyspace, keyspace.databases[0])


def run(ctx: ExecContext, *args: bytes | str | int):
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    return dispatch.execute(ctx, argv[0].decode().lower(), argv)


def test_encode_gives_redis_scores() -> None:
    # ZSCORE after GEOADD on redis-server 7.0.
    assert geohash.encode(13.361389, 38.115556) == 3479099956230698
    assert geohash.encode(15.087269, 37.502669) == 3479447370796909


def test_hash_string_is_the_standard_geohash() -> None:
    assert geohash.hash_string(3479099956230698.0) == b"sqc8b49rny0"


def test_coordinates_print_like_redis() -> None:
    longitude, latitude = geohash.decode(3479099956230698.0)
    assert geohash.format_coordinate(longitude) == b"13.36138933897018433"
    assert geohash.format_coordinate(latitude) == b"38.11555639549629859"
    assert geohash.format_coordinate(-0.0) == b"0"


# 180 (or the top latitude) — and any value a hair below it whose offset rounds
# up to a full cell count — carries into the other axis's bits, in Redis too.
@given(
    st.floats(-180, 180 - 1e-6),
    st.floats(geohash.LAT_MIN, geohash.LAT_MAX - 1e-6),
)
def test_decoding_a_score_lands_within_one_cell_of_the_point(longitude, latitude) -> None:
    decoded_longitude, decoded_latitude = geohash.decode(float(geohash.encode(longitude, latitude)))
    assert abs(decoded_longitude - longitude) <= 360 / 2**26
    assert abs(decoded_latitude - latitude) <= 2 * geohash.LAT_MAX / 2**26


@given(st.floats(-180, 180), st.floats(-80, 80), st.floats(1, 5_000_000))
def test_the_cell_around_the_centre_is_always_scanned(longitude, latitude, radius) -> None:
    score = geohash.encode(longitude, latitude)
    ranges = geohash.search_ranges(longitude, latitude, radius, radius, radius)
    assert any(low <= score < high for low, high in ranges)


def test_geoadd_is_zadd_with_geohash_scores_and_propagates_as_zadd() -> None:
    ctx = make_context()
    assert run(ctx, "GEOADD", "g", "13.361389", "38.115556", "Palermo") == 1
    zset = ctx.db.lookup(b"g")
    assert type(zset) is SortedSet
    assert zset.score(b"Palermo") == 3479099956230698.0
    assert ctx.propagated == [(0, [b"ZADD", b"g", b"3479099956230698", b"Palermo"])]


def test_geopos_gives_doubles_with_redis_digits_and_null_for_a_missing_member() -> None:
    ctx = make_context()
    ctx.client.resp3 = True
    run(ctx, "GEOADD", "g", "13.361389", "38.115556", "Palermo")
    (position, missing) = run(ctx, "GEOPOS", "g", "Palermo", "nobody")
    assert position == [b"13.36138933897018433", b"38.11555639549629859"]
    assert all(type(coordinate) is Double for coordinate in position)
    assert missing is NULL_ARRAY


def test_geosearch_with_count_sorts_ascending_by_default() -> None:
    ctx = make_context()
    run(ctx, "GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania")
    assert run(ctx, "GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "2") == [
        b"Catania",
        b"Palermo",
    ]
