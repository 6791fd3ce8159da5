"""Redis's geohash arithmetic (geohash.c, geohash_helper.c), bit for bit.

A position is stored as a sorted-set score: longitude and latitude scaled
to 26-bit fixed point over [-180, 180] and [-85.05112878, 85.05112878]
(Web Mercator's latitude limits) and interleaved, latitude in the even bits,
into a 52-bit integer, which a double holds exactly. Decoding returns the
centre of the cell, which is why GEOPOS gives back slightly different
coordinates than were added, exactly as redis-server does. Distances are
haversine on Redis's earth radius.

Every double is computed with Redis's expressions in Redis's order, so
speed-ups only move work around: decoding deinterleaves with a table, and a
search (:class:`SearchArea`) rejects most members from their score's bits
before decoding them.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable

STEP = 26
LONG_MIN, LONG_MAX = -180.0, 180.0
LAT_MIN, LAT_MAX = -85.05112878, 85.05112878
EARTH_RADIUS_M = 6372797.560856
_D_R = math.pi / 180.0
_M64 = 0xFFFFFFFFFFFFFFFF
_ODD = 0xAAAAAAAAAAAAAAAA
_EVEN = 0x5555555555555555
MERCATOR_MAX = 20037726.37
_ALPHABET = b"0123456789bcdefghjkmnpqrstuvwxyz"
UNITS = {b"m": 1.0, b"km": 1000.0, b"ft": 0.3048, b"mi": 1609.34}


def _spread(value: int) -> int:
    """The low 32 bits of ``value`` moved to the even bit positions."""
    value &= 0xFFFFFFFF
    value = (value | (value << 16)) & 0x0000FFFF0000FFFF
    value = (value | (value << 8)) & 0x00FF00FF00FF00FF
    value = (value | (value << 4)) & 0x0F0F0F0F0F0F0F0F
    value = (value | (value << 2)) & 0x3333333333333333
    value = (value | (value << 1)) & 0x5555555555555555
    return value


def _squash(value: int) -> int:
    """The even bits of ``value`` packed into 32 bits (inverse of _spread)."""
    value &= 0x5555555555555555
    value = (value | (value >> 1)) & 0x3333333333333333
    value = (value | (value >> 2)) & 0x0F0F0F0F0F0F0F0F
    value = (value | (value >> 4)) & 0x00FF00FF00FF00FF
    value = (value | (value >> 8)) & 0x0000FFFF0000FFFF
    value = (value | (value >> 16)) & 0x00000000FFFFFFFF
    return value


def valid(longitude: float, latitude: float) -> bool:
    return LONG_MIN <= longitude <= LONG_MAX and LAT_MIN <= latitude <= LAT_MAX


def encode(
    longitude: float,
    latitude: float,
    lat_min: float = LAT_MIN,
    lat_max: float = LAT_MAX,
    step: int = STEP,
) -> int:
    """The interleaved hash (``2 * step`` bits) of a valid position."""
    lat_offset = (latitude - lat_min) / (lat_max - lat_min)
    long_offset = (longitude - LONG_MIN) / (LONG_MAX - LONG_MIN)
    lat_fixed = int(lat_offset * (1 << step))
    long_fixed = int(long_offset * (1 << step))
    return _spread(lat_fixed) | (_spread(long_fixed) << 1)


def _cell(bits: int, step: int) -> tuple[float, float, float, float]:
    """(long min, long max, lat min, lat max) of a cell (geohashDecode)."""
    lat_fixed = _squash(bits)
    long_fixed = _squash(bits >> 1)
    scale = float(1 << step)
    lat_scale = LAT_MAX - LAT_MIN
    long_scale = LONG_MAX - LONG_MIN
    return (
        LONG_MIN + (long_fixed * 1.0 / scale) * long_scale,
        LONG_MIN + ((long_fixed + 1) * 1.0 / scale) * long_scale,
        LAT_MIN + (lat_fixed * 1.0 / scale) * lat_scale,
        LAT_MIN + ((lat_fixed + 1) * 1.0 / scale) * lat_scale,
    )


def _deinterleave_table() -> list[int]:
    """14 interleaved bits -> their 7 even bits, plus their 7 odd bits << 32."""
    table = []
    for chunk in range(1 << 14):
        even = odd = 0
        for bit in range(7):
            even |= ((chunk >> (2 * bit)) & 1) << bit
            odd |= ((chunk >> (2 * bit + 1)) & 1) << bit
        table.append(even | odd << 32)
    return table


_DEINTERLEAVE = _deinterleave_table()
_FULL_CELLS = float(1 << STEP)
_LAT_SCALE = LAT_MAX - LAT_MIN
_LONG_SCALE = LONG_MAX - LONG_MIN


def decode(score: float) -> tuple[float, float]:
    """(longitude, latitude) of the centre of the cell a score names.

    A score below 2**56 (every geohash) is deinterleaved with four lookups
    of 14 bits; the arithmetic after that is geohashDecode's, term for term,
    so the doubles are Redis's. The clamps of geohashDecodeAreaToLongLat
    cannot bite for a cell index below 2**26, which is all a 52-bit score has.
    """
    bits = int(score) & _M64
    if bits >> 52:
        long_low, long_high, lat_low, lat_high = _cell(bits, STEP)
        longitude = min(max((long_low + long_high) / 2, LONG_MIN), LONG_MAX)
        latitude = min(max((lat_low + lat_high) / 2, LAT_MIN), LAT_MAX)
        return longitude, latitude
    table = _DEINTERLEAVE
    both = (
        table[bits & 0x3FFF]
        | table[(bits >> 14) & 0x3FFF] << 7
        | table[(bits >> 28) & 0x3FFF] << 14
        | table[bits >> 42] << 21
    )
    lat_fixed = both & 0xFFFFFFFF
    long_fixed = both >> 32
    return (
        (
            (LONG_MIN + (long_fixed * 1.0 / _FULL_CELLS) * _LONG_SCALE)
            + (LONG_MIN + ((long_fixed + 1) * 1.0 / _FULL_CELLS) * _LONG_SCALE)
        )
        / 2,
        (
            (LAT_MIN + (lat_fixed * 1.0 / _FULL_CELLS) * _LAT_SCALE)
            + (LAT_MIN + ((lat_fixed + 1) * 1.0 / _FULL_CELLS) * _LAT_SCALE)
        )
        / 2,
    )


def hash_string(score: float) -> bytes:
    """GEOHASH's 11-character standard geohash (latitude over [-90, 90])."""
    longitude, latitude = decode(score)
    bits = encode(longitude, latitude, -90.0, 90.0)
    characters = bytearray()
    for index in range(11):
        position = 0 if index == 10 else (bits >> (52 - (index + 1) * 5)) & 0x1F
        characters.append(_ALPHABET[position])
    return bytes(characters)


def latitude_distance(lat1: float, lat2: float) -> float:
    return EARTH_RADIUS_M * abs(lat2 * _D_R - lat1 * _D_R)


def distance(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    lon1r = lon1 * _D_R
    lon2r = lon2 * _D_R
    v = math.sin((lon2r - lon1r) / 2)
    if v == 0.0:
        return latitude_distance(lat1, lat2)
    lat1r = lat1 * _D_R
    lat2r = lat2 * _D_R
    u = math.sin((lat2r - lat1r) / 2)
    a = u * u + math.cos(lat1r) * math.cos(lat2r) * v * v
    return 2.0 * EARTH_RADIUS_M * _asin(math.sqrt(a))


def _asin(x: float) -> float:
    """C's asin: NaN (not an exception) when rounding pushes nearly antipodal
    points a hair past 1, so such a distance comes out as Redis's ``nan``."""
    return math.asin(x) if x <= 1.0 else math.nan


def distance_in_box(
    width_m: float, height_m: float, center_lon: float, center_lat: float, lon: float, lat: float
) -> float | None:
    """The distance to a point inside the box around the centre, else None."""
    if latitude_distance(lat, center_lat) > height_m / 2:
        return None
    if distance(lon, lat, center_lon, lat) > width_m / 2:
        return None
    return distance(center_lon, center_lat, lon, lat)


def format_coordinate(value: float) -> bytes:
    """A coordinate as Redis prints it (``%.17Lf`` with trailing zeros cut)."""
    text = b"%.17f" % value
    if b"." in text:
        text = text.rstrip(b"0").rstrip(b".")
    return b"0" if text == b"-0" else text


def format_distance(value: float) -> bytes:
    return b"%.4f" % value


# -- the cells a search scans (geohash_helper.c) ------------------------------------
def _steps_for_radius(range_meters: float, latitude: float) -> int:
    if range_meters == 0:
        return 26
    step = 1
    while range_meters < MERCATOR_MAX:
        range_meters *= 2
        step += 1
    step -= 2
    if latitude > 66 or latitude < -66:
        step -= 1
        if latitude > 80 or latitude < -80:
            step -= 1
    return min(max(step, 1), 26)


def _move(bits: int, step: int, direction: int, longitude_axis: bool) -> int:
    """geohash_move_x / geohash_move_y: the neighbouring cell along one axis."""
    moving_mask, other_mask = (_ODD, _EVEN) if longitude_axis else (_EVEN, _ODD)
    moving, other = bits & moving_mask, bits & other_mask
    filler = other_mask >> (64 - step * 2)
    if direction > 0:
        moving = (moving + filler + 1) & _M64
    else:
        moving = ((moving | filler) - (filler + 1)) & _M64
    moving &= moving_mask >> (64 - step * 2)
    return moving | other


def search_ranges(
    longitude: float, latitude: float, width_m: float, height_m: float, radius_m: float
) -> list[tuple[int, int]]:
    """The half-open score ranges of the cells Redis scans for a search
    around a point, in Redis's order (centre, N, S, E, W, NE, NW, SE, SW),
    with Redis's rule for skipping a repeated cell. ``width_m``/``height_m``
    are the half extents (both ``radius_m`` for a circle); ``radius_m`` picks
    the cell size."""
    lat_delta = height_m / EARTH_RADIUS_M / _D_R
    long_delta_top = width_m / EARTH_RADIUS_M / math.cos((latitude + lat_delta) * _D_R) / _D_R
    long_delta_bottom = width_m / EARTH_RADIUS_M / math.cos((latitude - lat_delta) * _D_R) / _D_R
    long_delta = long_delta_bottom if latitude < 0 else long_delta_top
    min_lon, max_lon = longitude - long_delta, longitude + long_delta
    min_lat, max_lat = latitude - lat_delta, latitude + lat_delta

    step = _steps_for_radius(radius_m, latitude)
    centre, neighbours = _neighbours(longitude, latitude, step)
    north, south, east, west = (_cell(neighbours[name], step) for name in ("n", "s", "e", "w"))
    if step > 1 and (north[3] < max_lat or south[2] > min_lat or east[1] < max_lon or west[0] > min_lon):
        step -= 1
        centre, neighbours = _neighbours(longitude, latitude, step)
    area = _cell(centre, step)
    skipped: set[str] = set()
    if step >= 2:
        if area[2] < min_lat:
            skipped |= {"s", "sw", "se"}
        if area[3] > max_lat:
            skipped |= {"n", "ne", "nw"}
        if area[0] < min_lon:
            skipped |= {"w", "sw", "nw"}
        if area[1] > max_lon:
            skipped |= {"e", "se", "ne"}
    cells: list[int | None] = [centre] + [
        None if name in skipped else neighbours[name] for name in ("n", "s", "e", "w", "ne", "nw", "se", "sw")
    ]
    ranges = []
    last_processed = 0
    for index, bits in enumerate(cells):
        if bits is None:
            continue
        if last_processed and bits == cells[last_processed]:
            continue
        shift = 52 - step * 2
        ranges.append((bits << shift, (bits + 1) << shift))
        last_processed = index
    return ranges


def _neighbours(longitude: float, latitude: float, step: int) -> tuple[int, dict[str, int]]:
    centre = encode(longitude, latitude, step=step)
    east, west = _move(centre, step, 1, True), _move(centre, step, -1, True)
    return centre, {
        "e": east,
        "w": west,
        "n": _move(centre, step, 1, False),
        "s": _move(centre, step, -1, False),
        "ne": _move(east, step, 1, False),
        "se": _move(east, step, -1, False),
        "nw": _move(west, step, 1, False),
        "sw": _move(west, step, -1, False),
    }


# -- the shape a search keeps (geo.c's geoWithinShape) ------------------------------
_SLACK_CELLS = 2
_CELL_LIMIT = 1 << (2 * STEP)
_SLACK_RATIO = 1e-7


def _cell_range(low: float, high: float, minimum: float, maximum: float) -> tuple[int, int]:
    """The 26-bit cell indexes along one axis whose centre may lie in
    [low, high] degrees, with slack for rounding; the whole axis when a
    bound is not finite."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return 0, (1 << STEP) - 1
    scale = (1 << STEP) / (maximum - minimum)
    first = math.floor((low - minimum) * scale) - _SLACK_CELLS
    last = math.floor((high - minimum) * scale) + _SLACK_CELLS
    return max(first, 0), min(last, (1 << STEP) - 1)


def _longitude_cells(longitude: float, lon_delta: float | None) -> tuple[int, int]:
    """The longitude cells within ``lon_delta`` degrees of ``longitude``; all
    of them when there is no bound or the band crosses the antimeridian
    (the haversine wraps around it and the band would be two pieces)."""
    if lon_delta is None:
        return 0, (1 << STEP) - 1
    lon_delta = lon_delta * (1 + _SLACK_RATIO) + _SLACK_RATIO
    if longitude - lon_delta <= LONG_MIN or longitude + lon_delta >= LONG_MAX:
        return 0, (1 << STEP) - 1
    return _cell_range(longitude - lon_delta, longitude + lon_delta, LONG_MIN, LONG_MAX)


def _score_bounds(
    longitude: float, latitude: float, lat_delta_r: float, half_angle: float, center_cos: float | None
) -> tuple[int, int, int, int]:
    """(lowest, highest) spread latitude bits, then longitude bits, of a
    member within ``lat_delta_r`` radians of latitude whose longitude obeys
    ``|sin(dlon / 2)| <= sin(half_angle) / C``: ``C`` is
    ``sqrt(cos(lat1) cos(lat2))`` for a circle (``center_cos`` given) and
    ``cos(lat2)`` for a box's half width, ``lat2`` the band's highest latitude."""
    lat_delta = lat_delta_r / _D_R * (1 + _SLACK_RATIO) + _SLACK_RATIO
    lat_low, lat_high = _cell_range(latitude - lat_delta, latitude + lat_delta, LAT_MIN, LAT_MAX)
    band = abs(latitude) + lat_delta
    lon_delta = None
    if half_angle < math.pi / 2 and band < 89.0:
        band_cos = math.cos(band * _D_R)
        sine = math.sin(half_angle) / (math.sqrt(center_cos * band_cos) if center_cos is not None else band_cos)
        if sine < 1.0:
            lon_delta = 2 * math.asin(sine) / _D_R
    long_low, long_high = _longitude_cells(longitude, lon_delta)
    return _spread(lat_low), _spread(lat_high), _spread(long_low) << 1, _spread(long_high) << 1


def _candidates(entries: list[tuple[float, bytes]], bounds: tuple[int, int, int, int]) -> list[tuple[float, bytes]]:
    """The entries whose score's latitude and longitude bits lie within
    ``bounds`` (see :func:`_score_bounds`), in their order; a score at or
    above 2**52 (a point at longitude 180 or the top latitude carries out of
    its axis, and decodes through the clamps) always passes."""
    lat_low, lat_high, long_low, long_high = bounds
    return [
        entry
        for entry in entries
        if (bits := int(entry[0])) >= _CELL_LIMIT
        or (lat_low <= bits & _EVEN <= lat_high and long_low <= bits & _ODD <= long_high)
    ]


class SearchArea:
    """The members a GEOSEARCH keeps, tested as Redis tests them
    (geohashGetDistanceIfInRadiusWGS84 / geohashGetDistanceIfInRectangle,
    centre first), behind a cheap conservative reject: the latitude and
    longitude cell indexes of a member inside the shape lie in a range
    derived from the haversine formula
    ``hav(d) = hav(dlat) + cos(lat1) cos(lat2) hav(dlon)``, so
    ``d <= r`` needs ``|dlat| <= r / R`` and
    ``|sin(dlon / 2)| <= sin(r / 2R) / sqrt(cos(lat1) cos(lat2))``, with
    ``lat2`` at most the band's highest latitude (for a box the same with
    the half width on one parallel). Cell indexes are the even and odd bits
    of the score and spreading bits is monotonic, so the reject is two masks
    and four integer compares, without decoding. A member the reject passes
    is decoded and measured with Redis's expressions, so the kept members
    and their distances are Redis's to the bit."""

    __slots__ = (
        "longitude", "latitude", "radius_m", "width_m", "height_m",
        "_bounds", "_long_r", "_lat_r", "_cos_lat",
    )

    def __init__(
        self, longitude: float, latitude: float, radius_m: float | None, width_m: float = 0.0, height_m: float = 0.0
    ) -> None:
        self.longitude, self.latitude = longitude, latitude
        self.radius_m, self.width_m, self.height_m = radius_m, width_m, height_m
        self._long_r = longitude * _D_R
        self._lat_r = latitude * _D_R
        self._cos_lat = math.cos(self._lat_r)
        if radius_m is not None:
            self._bounds = self._circle_bounds(radius_m)
        else:
            self._bounds = _score_bounds(
                longitude, latitude, height_m / 2 / EARTH_RADIUS_M, width_m / 4 / EARTH_RADIUS_M, None
            )

    def _circle_bounds(self, radius_m: float) -> tuple[int, int, int, int]:
        return _score_bounds(
            self.longitude, self.latitude, radius_m / EARTH_RADIUS_M, radius_m / EARTH_RADIUS_M / 2, self._cos_lat
        )

    def collect(self, entries: list[tuple[float, bytes]], found: list[tuple[float, float, bytes]], limit: int) -> None:
        """Append (distance, score, member) for the entries inside the shape,
        in their order, stopping once ``found`` holds ``limit`` (0: no limit)."""
        measure = self._circle_distance if self.radius_m is not None else self._box_distance
        for score, member in _candidates(entries, self._bounds):
            longitude, latitude = decode(score)
            distance_m = measure(longitude, latitude)
            if distance_m is None:
                continue
            found.append((distance_m, score, member))
            if limit and len(found) >= limit:
                return

    def nearest(self, cells: Iterable[list[tuple[float, bytes]]], count: int) -> list[tuple[float, float, bytes]]:
        """``sorted(matches, key=distance)[:count]`` for the matches that
        :meth:`collect` would find in ``cells`` (ties in the order found),
        without measuring them all: once ``count`` are kept, a member can only
        get in by being nearer than the farthest kept, so the cheap reject
        narrows to the circle of that distance (recomputed when the distance
        has shrunk by a fifth, as that costs a few microseconds)."""
        kept: list[tuple[float, int, float, bytes]] = []  # (-distance, -order found, score, member): a max-heap
        bounds = self._bounds
        bounds_radius = math.inf
        measure = self._circle_distance if self.radius_m is not None else self._box_distance
        order = 0
        for entries in cells:
            lat_low, lat_high, long_low, long_high = bounds
            for score, member in entries:
                bits = int(score)
                # The reject of _candidates, inline: its bounds shrink as we go.
                if bits < _CELL_LIMIT and not (
                    lat_low <= bits & _EVEN <= lat_high and long_low <= bits & _ODD <= long_high
                ):
                    continue
                longitude, latitude = decode(score)
                distance_m = measure(longitude, latitude)
                if distance_m is None:
                    continue
                order += 1
                if len(kept) < count:
                    heapq.heappush(kept, (-distance_m, -order, score, member))
                    if len(kept) < count:
                        continue
                elif distance_m < -kept[0][0]:
                    heapq.heapreplace(kept, (-distance_m, -order, score, member))
                else:
                    continue
                farthest = -kept[0][0]
                if farthest < 0.8 * bounds_radius:
                    bounds_radius = farthest
                    circle = self._circle_bounds(farthest)
                    bounds = (
                        max(self._bounds[0], circle[0]), min(self._bounds[1], circle[1]),
                        max(self._bounds[2], circle[2]), min(self._bounds[3], circle[3]),
                    )
                    lat_low, lat_high, long_low, long_high = bounds
        kept.sort(reverse=True)
        return [(-negative_distance, score, member) for negative_distance, _, score, member in kept]

    def _circle_distance(self, longitude: float, latitude: float) -> float | None:
        """distance(centre, point) term for term, the centre's radians and
        cosine hoisted; None beyond the radius."""
        v = math.sin((longitude * _D_R - self._long_r) / 2)
        if v == 0.0:
            distance_m = EARTH_RADIUS_M * abs(latitude * _D_R - self._lat_r)
        else:
            lat2r = latitude * _D_R
            u = math.sin((lat2r - self._lat_r) / 2)
            distance_m = 2.0 * EARTH_RADIUS_M * _asin(math.sqrt(u * u + self._cos_lat * math.cos(lat2r) * v * v))
        return None if distance_m > self.radius_m else distance_m  # type: ignore[operator]

    def _box_distance(self, longitude: float, latitude: float) -> float | None:
        return distance_in_box(self.width_m, self.height_m, self.longitude, self.latitude, longitude, latitude)
