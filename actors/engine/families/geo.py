"""Geospatial commands: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
GEOSEARCHSTORE and the older GEORADIUS / GEORADIUSBYMEMBER (+ ``_RO``).

A geo key is a sorted set whose scores are Redis's 52-bit geohashes (see
:mod:`actors.engine.types.geohash`), so every ZSET command works on it and
scores, GEOHASH strings, GEOPOS coordinates and distances match
redis-server. GEOADD is ZADD with computed scores and propagates as ZADD,
as Redis does.

Searches scan the same geohash cells as Redis (the cell around the centre
and its eight neighbours, sized from the radius, some skipped), each a
score range of the sorted set, and keep the members inside the shape, so
results match redis-server even where its cells miss a member (across the
antimeridian, near the poles) and unsorted results come in its order. The
shape test is :class:`~actors.engine.types.geohash.SearchArea`: a cheap
reject on the score's bits, then Redis's exact distance test.
"""

from __future__ import annotations

import heapq
import math
from operator import itemgetter
from typing import Any

import attrs

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import Double, NULL_ARRAY

from actors.engine.args import parse_float, parse_int
from actors.engine.context import ExecContext
from actors.engine.dispatch import command
from actors.engine.families.zset import zadd_generic
from actors.engine.types import geohash
from actors.engine.types.sorted_set import ScoreBound, SortedSet
from actors.engine.values import lookup_typed, note_access

_RADIUS_COORDS, _RADIUS_MEMBER, _SEARCH, _SEARCH_STORE, _NO_STORE = 1, 2, 4, 8, 16
_DISTANCE = itemgetter(0)  # of a (distance, score, member) match


def _geo(ctx: ExecContext, key: bytes) -> SortedSet | None:
    return lookup_typed(ctx, key, SortedSet)  # type: ignore[no-any-return]


def _lonlat(raw_longitude: bytes, raw_latitude: bytes) -> tuple[float, float]:
    longitude, latitude = parse_float(raw_longitude), parse_float(raw_latitude)
    if not geohash.valid(longitude, latitude):
        raise CommandError(errors.GEO_INVALID_PAIR.format(longitude, latitude))
    return longitude, latitude


def _unit(raw: bytes) -> float:
    to_meters = geohash.UNITS.get(raw.lower())
    if to_meters is None:
        raise CommandError(errors.GEO_UNIT)
    return to_meters


def _coordinates(ctx: ExecContext, score: float) -> list[Any]:
    """[longitude, latitude] in Redis's ``%.17Lf`` digits: RESP2 bulk strings,
    RESP3 doubles carrying the same text."""
    longitude, latitude = geohash.decode(score)
    return [Double(geohash.format_coordinate(longitude)), Double(geohash.format_coordinate(latitude))]


# -- GEOADD / GEOPOS / GEODIST / GEOHASH -------------------------------------------
@command("geoadd")
def geoadd(ctx: ExecContext, argv: list[bytes]) -> Any:
    nx = xx = ch = False
    position = 2
    while position < len(argv):
        option = argv[position].upper()
        if option == b"NX":
            nx = True
        elif option == b"XX":
            xx = True
        elif option == b"CH":
            ch = True
        else:
            break
        position += 1
    triples = argv[position:]
    if len(triples) % 3 or (nx and xx) or not triples:
        raise CommandError(errors.SYNTAX)
    pairs = []
    for index in range(0, len(triples), 3):
        longitude, latitude = _lonlat(triples[index], triples[index + 1])
        pairs.append((triples[index + 2], float(geohash.encode(longitude, latitude))))
    zadd_argv = [b"ZADD", *argv[1:position]]
    for member, score in pairs:
        zadd_argv += [b"%d" % int(score), member]
    return zadd_generic(ctx, zadd_argv, argv[1], pairs, nx=nx, xx=xx, ch=ch)


@command("geopos")
def geopos(ctx: ExecContext, argv: list[bytes]) -> Any:
    zset = _geo(ctx, argv[1])
    replies: list[Any] = []
    for member in argv[2:]:
        score = zset.score(member) if zset is not None else None
        replies.append(NULL_ARRAY if score is None else _coordinates(ctx, score))
    return replies


@command("geodist")
def geodist(ctx: ExecContext, argv: list[bytes]) -> Any:
    to_meters = 1.0
    if len(argv) == 5:
        to_meters = _unit(argv[4])
    elif len(argv) > 5:
        raise CommandError(errors.SYNTAX)
    zset = _geo(ctx, argv[1])
    if zset is None:
        return None
    first, second = zset.score(argv[2]), zset.score(argv[3])
    if first is None or second is None:
        return None
    lon1, lat1 = geohash.decode(first)
    lon2, lat2 = geohash.decode(second)
    return geohash.format_distance(geohash.distance(lon1, lat1, lon2, lat2) / to_meters)


@command("geohash")
def geohash_(ctx: ExecContext, argv: list[bytes]) -> Any:
    zset = _geo(ctx, argv[1])
    replies: list[Any] = []
    for member in argv[2:]:
        score = zset.score(member) if zset is not None else None
        replies.append(None if score is None else geohash.hash_string(score))
    return replies


# -- searches ----------------------------------------------------------------------
@attrs.define(eq=False, slots=True)
class _Search:
    """A parsed GEORADIUS* / GEOSEARCH* request."""

    longitude: float = 0.0
    latitude: float = 0.0
    radius: float | None = None
    width: float = 0.0
    height: float = 0.0
    to_meters: float = 1.0
    with_dist: bool = False
    with_hash: bool = False
    with_coord: bool = False
    ascending: bool | None = None
    count: int = 0
    any: bool = False
    store_key: bytes | None = None
    store_dist: bool = False


def _parse_distance(raw: list[bytes]) -> tuple[float, float]:
    radius = parse_float(raw[0], errors.GEO_NEED_RADIUS)
    if radius < 0:
        raise CommandError(errors.GEO_NEGATIVE_RADIUS)
    return radius, _unit(raw[1])


def _parse_box(raw: list[bytes]) -> tuple[float, float, float]:
    width = parse_float(raw[0], errors.GEO_NEED_WIDTH)
    height = parse_float(raw[1], errors.GEO_NEED_HEIGHT)
    if height < 0 or width < 0:
        raise CommandError(errors.GEO_NEGATIVE_BOX)
    return width, height, _unit(raw[2])


def _member_position(zset: SortedSet, member: bytes) -> tuple[float, float]:
    score = zset.score(member)
    if score is None:
        raise CommandError(errors.GEO_MEMBER)
    return geohash.decode(score)


def search_generic(ctx: ExecContext, argv: list[bytes], source_index: int, flags: int) -> Any:
    """Redis's georadiusGeneric: parse in Redis's order (so the same error
    wins), then search, then reply or store."""
    zset = _geo(ctx, argv[source_index])
    search = _Search()
    if flags & _RADIUS_COORDS:
        base = 6
        search.longitude, search.latitude = _lonlat(argv[2], argv[3])
        search.radius, search.to_meters = _parse_distance(argv[4:6])
    elif flags & _RADIUS_MEMBER:
        base = 5
        if zset is not None:
            search.longitude, search.latitude = _member_position(zset, argv[2])
            search.radius, search.to_meters = _parse_distance(argv[3:5])
    else:
        base = 2
        if flags & _SEARCH_STORE:
            base = 3
            search.store_key = argv[1]
    from_member = from_lonlat = by_radius = by_box = False
    position = base
    while position < len(argv):
        remaining = len(argv) - position - 1
        option = argv[position].lower()
        if option == b"withdist":
            search.with_dist = True
        elif option == b"withhash":
            search.with_hash = True
        elif option == b"withcoord":
            search.with_coord = True
        elif option == b"any":
            search.any = True
        elif option == b"asc":
            search.ascending = True
        elif option == b"desc":
            search.ascending = False
        elif option == b"count" and remaining >= 1:
            search.count = parse_int(argv[position + 1])
            if search.count <= 0:
                raise CommandError(errors.GEO_COUNT)
            position += 1
        elif option in (b"store", b"storedist") and remaining >= 1 and not flags & (_NO_STORE | _SEARCH):
            search.store_key = argv[position + 1]
            search.store_dist = option == b"storedist"
            position += 1
        elif option == b"storedist" and flags & _SEARCH_STORE:
            search.store_dist = True
        elif option == b"frommember" and remaining >= 1 and flags & _SEARCH and not from_lonlat:
            if zset is not None:
                search.longitude, search.latitude = _member_position(zset, argv[position + 1])
            from_member = True
            position += 1
        elif option == b"fromlonlat" and remaining >= 2 and flags & _SEARCH and not from_member:
            search.longitude, search.latitude = _lonlat(argv[position + 1], argv[position + 2])
            from_lonlat = True
            position += 2
        elif option == b"byradius" and remaining >= 2 and flags & _SEARCH and not by_box:
            search.radius, search.to_meters = _parse_distance(argv[position + 1 : position + 3])
            by_radius = True
            position += 2
        elif option == b"bybox" and remaining >= 3 and flags & _SEARCH and not by_radius:
            search.width, search.height, search.to_meters = _parse_box(argv[position + 1 : position + 4])
            search.radius = None
            by_box = True
            position += 3
        else:
            raise CommandError(errors.SYNTAX)
        position += 1
    if search.store_key is not None and (search.with_dist or search.with_hash or search.with_coord):
        what = "GEOSEARCHSTORE" if flags & _SEARCH_STORE else "STORE option in GEORADIUS"
        raise CommandError(errors.GEO_STORE_WITH.format(what))
    name = argv[0].decode("utf-8", "replace")
    if flags & _SEARCH and not (from_member or from_lonlat):
        raise CommandError(errors.GEO_FROM.format(name))
    if flags & _SEARCH and not (by_radius or by_box):
        raise CommandError(errors.GEO_BY.format(name))
    if search.any and not search.count:
        raise CommandError(errors.GEO_ANY)
    if zset is None:
        if search.store_key is None:
            return []
        _store(ctx, argv, search.store_key, [], flags)
        return 0
    if search.count and search.ascending is None and not search.any:
        search.ascending = True
    found = _matches(zset, search)
    if search.ascending is not None and search.count:
        # Both are sorted(found, key, reverse)[:count], stable, without sorting it all.
        select = heapq.nsmallest if search.ascending else heapq.nlargest
        found = select(search.count, found, key=_DISTANCE)
    elif search.ascending is not None:
        found.sort(key=_DISTANCE, reverse=not search.ascending)
    elif search.count:
        found = found[: search.count]
    if search.store_key is not None:
        pairs = [
            (member, distance / search.to_meters if search.store_dist else score)
            for distance, score, member in found
        ]
        _store(ctx, argv, search.store_key, pairs, flags)
        return len(pairs)
    return [_search_reply(ctx, search, match) for match in found]


def _matches(zset: SortedSet, search: _Search) -> list[tuple[float, float, bytes]]:
    """(distance in meters, score, member) of the members inside the shape,
    found as Redis finds them: cell by cell, in score order inside a cell;
    with ANY, only the first ``count`` found; with COUNT and ascending
    order, only the nearest ``count`` (already sorted)."""
    if search.radius is not None:
        half_width = half_height = radius = search.radius * search.to_meters
        area = geohash.SearchArea(search.longitude, search.latitude, radius)
    else:
        half_width = search.width / 2 * search.to_meters
        half_height = search.height / 2 * search.to_meters
        radius = math.sqrt((search.width / 2) ** 2 + (search.height / 2) ** 2) * search.to_meters
        area = geohash.SearchArea(
            search.longitude, search.latitude, None, search.width * search.to_meters, search.height * search.to_meters
        )
    ranges = geohash.search_ranges(search.longitude, search.latitude, half_width, half_height, radius)
    if search.count and search.ascending and not search.any:
        # Only the nearest ``count`` are answered: the area skips the members that cannot be.
        cells = (
            zset.entries(*zset.score_bounds(ScoreBound(float(low)), ScoreBound(float(high), exclusive=True)))
            for low, high in ranges
        )
        return area.nearest(cells, search.count)
    found: list[tuple[float, float, bytes]] = []
    limit = search.count if search.any else 0
    for low, high in ranges:
        if limit and len(found) >= limit:
            break
        lo, hi = zset.score_bounds(ScoreBound(float(low)), ScoreBound(float(high), exclusive=True))
        area.collect(zset.entries(lo, hi), found, limit)
    return found


def _search_reply(ctx: ExecContext, search: _Search, match: tuple[float, float, bytes]) -> Any:
    distance, score, member = match
    if not (search.with_dist or search.with_hash or search.with_coord):
        return member
    reply: list[Any] = [member]
    if search.with_dist:
        reply.append(geohash.format_distance(distance / search.to_meters))
    if search.with_hash:
        reply.append(int(score))
    if search.with_coord:
        reply.append(_coordinates(ctx, score))
    return reply


def _store(
    ctx: ExecContext, argv: list[bytes], key: bytes, pairs: list[tuple[bytes, float]], flags: int
) -> None:
    if pairs:
        ctx.db.store_new(key, SortedSet.from_pairs(pairs))
        note_access(ctx, key)
        ctx.notify("z", "geosearchstore" if flags & _SEARCH else "georadiusstore", key)
    elif ctx.db.delete(key):
        ctx.notify("g", "del", key)
    else:
        return
    ctx.touch(key)
    ctx.propagate(argv)


# command name -> (where the source key is, how the request reads)
_SEARCH_COMMANDS: dict[bytes, tuple[int, int]] = {
    b"georadius": (1, _RADIUS_COORDS),
    b"georadius_ro": (1, _RADIUS_COORDS | _NO_STORE),
    b"georadiusbymember": (1, _RADIUS_MEMBER),
    b"georadiusbymember_ro": (1, _RADIUS_MEMBER | _NO_STORE),
    b"geosearch": (1, _SEARCH),
    b"geosearchstore": (2, _SEARCH | _SEARCH_STORE),
}


@command(*(name.decode() for name in _SEARCH_COMMANDS))
def geo_search(ctx: ExecContext, argv: list[bytes]) -> Any:
    source_index, flags = _SEARCH_COMMANDS[argv[0].lower()]
    return search_generic(ctx, argv, source_index, flags)
