"""Redis's geohash arithmetic (geohash.c, geohash_helper.c), bit for bit.

A position is stored as a sorted-set score: longitude and latitude scaled
to 26-bit fixed point over [-180, 180] and [-85.05112878, 85.05112878]
(Web Mercator's latitude limits) and interleaved, latitude in the even bits,
into a 52-bit integer, which a double holds exactly. Decoding returns the
centre of the cell, which is why GEOPOS gives back slightly different
coordinates than were added, exactly as redis-server does. Distances are
haversine on Redis's earth radius.
"""

from __future__ import annotations

import math

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


def decode(score: float) -> tuple[float, float]:
    """(longitude, latitude) of the centre of the cell a score names."""
    bits = int(score) & _M64
    long_low, long_high, lat_low, lat_high = _cell(bits, STEP)
    longitude = min(max((long_low + long_high) / 2, LONG_MIN), LONG_MAX)
    latitude = min(max((lat_low + lat_high) / 2, LAT_MIN), LAT_MAX)
    return longitude, latitude


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
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


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
