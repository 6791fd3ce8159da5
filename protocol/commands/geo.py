"""Geospatial commands.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine; see :mod:`protocol.commands.define` for the helpers and
:mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group("geo", Scope.KEYS)

GEOADD = command(
    "geoadd", -5, "write denyoom", "@write @geo @slow",
    keys=[ks("RW update", 1)],
    syntax="key [condition@6.2.0: NX | XX] [CH=change@6.2.0] (longitude:double latitude:double member) ...",
    since="3.2.0",
    summary="Add one or more geospatial items in the geospatial index represented using a sorted set",
    complexity="O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    history=[("6.2.0", "Added the `CH`, `NX` and `XX` options.")],
)

GEODIST = command(
    "geodist", -4, "readonly", "@read @geo @slow",
    keys=[ks("RO access", 1)],
    syntax="key member1 member2 [unit: M | KM | FT | MI]",
    since="3.2.0",
    summary="Returns the distance between two members of a geospatial index",
    complexity="O(log(N))",
)

GEOHASH = command(
    "geohash", -2, "readonly", "@read @geo @slow",
    keys=[ks("RO access", 1)],
    syntax="key member ...",
    since="3.2.0",
    summary="Returns members of a geospatial index as standard geohash strings",
    complexity="O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
)

GEOPOS = command(
    "geopos", -2, "readonly", "@read @geo @slow",
    keys=[ks("RO access", 1)],
    syntax="key member ...",
    since="3.2.0",
    summary="Returns longitude and latitude of members of a geospatial index",
    complexity="O(N) where N is the number of members requested.",
)

GEORADIUS = command(
    "georadius", -6, "write denyoom", "@write @geo @slow",
    keys=[ks("RO access", 1), ks("OW update", keyword="STORE", startfrom=6), ks("OW update", keyword="STOREDIST", startfrom=6)],
    syntax="key longitude:double latitude:double radius:double (unit: M | KM | FT | MI) [WITHCOORD] [WITHDIST] [WITHHASH] [count: COUNT count:integer [ANY@6.2.0]] [order: ASC | DESC] [STORE key#1] [STOREDIST key#2]",
    since="3.2.0",
    summary="Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point",
    complexity="O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    doc_flags="deprecated",
    deprecated_since="6.2.0",
    replaced_by="`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument",
    history=[("6.2.0", "Added the `ANY` option for `COUNT`."), ("7.0.0", "Added support for uppercase unit names.")],
)

GEORADIUS_RO = command(
    "georadius_ro", -6, "readonly", "@read @geo @slow",
    keys=[ks("RO access", 1)],
    syntax="key longitude:double latitude:double radius:double (unit: M | KM | FT | MI) [WITHCOORD] [WITHDIST] [WITHHASH] [count: COUNT count:integer [ANY@6.2.0]] [order: ASC | DESC]",
    since="3.2.10",
    summary="A read-only variant for GEORADIUS",
    complexity="O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    doc_flags="deprecated",
    deprecated_since="6.2.0",
    replaced_by="`GEOSEARCH` with the `BYRADIUS` argument",
    history=[("6.2.0", "Added the `ANY` option for `COUNT`.")],
)

GEORADIUSBYMEMBER = command(
    "georadiusbymember", -5, "write denyoom", "@write @geo @slow",
    keys=[ks("RO access", 1), ks("OW update", keyword="STORE", startfrom=5), ks("OW update", keyword="STOREDIST", startfrom=5)],
    syntax="key member radius:double (unit: M | KM | FT | MI) [WITHCOORD] [WITHDIST] [WITHHASH] [count: COUNT count:integer [ANY]] [order: ASC | DESC] [STORE key#1] [STOREDIST key#2]",
    since="3.2.0",
    summary="Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member",
    complexity="O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    doc_flags="deprecated",
    deprecated_since="6.2.0",
    replaced_by="`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments",
    history=[("7.0.0", "Added support for uppercase unit names.")],
)

GEORADIUSBYMEMBER_RO = command(
    "georadiusbymember_ro", -5, "readonly", "@read @geo @slow",
    keys=[ks("RO access", 1)],
    syntax="key member radius:double (unit: M | KM | FT | MI) [WITHCOORD] [WITHDIST] [WITHHASH] [count: COUNT count:integer [ANY]] [order: ASC | DESC]",
    since="3.2.10",
    summary="A read-only variant for GEORADIUSBYMEMBER",
    complexity="O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    doc_flags="deprecated",
    deprecated_since="6.2.0",
    replaced_by="`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments",
)

GEOSEARCH = command(
    "geosearch", -7, "readonly", "@read @geo @slow",
    keys=[ks("RO access", 1)],
    syntax="key (from: FROMMEMBER member | FROMLONLAT (longitude:double latitude:double)) (by: (circle: BYRADIUS radius:double (unit: M | KM | FT | MI)) | (box: BYBOX width:double height:double (unit: M | KM | FT | MI))) [order: ASC | DESC] [count: COUNT count:integer [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]",
    since="6.2.0",
    summary="Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.",
    complexity="O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
    history=[("7.0.0", "Added support for uppercase unit names.")],
)

GEOSEARCHSTORE = command(
    "geosearchstore", -8, "write denyoom", "@write @geo @slow",
    keys=[ks("OW update", 1), ks("RO access", 2)],
    syntax="destination:key source:key#1 (from: FROMMEMBER member | FROMLONLAT (longitude:double latitude:double)) (by: (circle: BYRADIUS radius:double (unit: M | KM | FT | MI)) | (box: BYBOX width:double height:double (unit: M | KM | FT | MI))) [order: ASC | DESC] [count: COUNT count:integer [ANY]] [STOREDIST]",
    since="6.2.0",
    summary="Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.",
    complexity="O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
    history=[("7.0.0", "Added support for uppercase unit names.")],
)

SPECS = (
    GEOADD,
    GEODIST,
    GEOHASH,
    GEOPOS,
    GEORADIUS,
    GEORADIUS_RO,
    GEORADIUSBYMEMBER,
    GEORADIUSBYMEMBER_RO,
    GEOSEARCH,
    GEOSEARCHSTORE,
)
