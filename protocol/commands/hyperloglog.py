"""HyperLogLog commands.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine; see :mod:`protocol.commands.define` for the helpers and
:mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group("hyperloglog", Scope.KEYS)

PFADD = command(
    "pfadd", -2, "write denyoom fast", "@write @hyperloglog @fast",
    keys=[ks("RW insert", 1)],
    syntax="key [element ...]",
    since="2.8.9",
    summary="Adds the specified elements to the specified HyperLogLog.",
    complexity="O(1) to add every element.",
)

PFCOUNT = command(
    "pfcount", -2, "readonly", "@read @hyperloglog @slow",
    keys=[ks("RW access", 1, lastkey=-1, notes="RW because it may change the internal representation of the key, and propagate to replicas")],
    syntax="key ...",
    since="2.8.9",
    summary="Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
    complexity="O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
)

PFMERGE = command(
    "pfmerge", -2, "write denyoom", "@write @hyperloglog @slow",
    keys=[ks("RW access insert", 1), ks("RO access", 2, lastkey=-1)],
    syntax="destkey:key sourcekey:key#1 ...",
    since="2.8.9",
    summary="Merge N different HyperLogLogs into a single one.",
    complexity="O(N) to merge N HyperLogLogs, but with high constant times.",
)

PFDEBUG = command(
    "pfdebug", 3, "write denyoom admin", "@write @hyperloglog @admin @slow @dangerous",
    keys=[ks("RW access", 2)],
    syntax="subcommand key",
    since="2.8.9",
    summary="Internal commands for debugging HyperLogLog values",
    complexity="N/A",
    doc_flags="syscmd",
)

PFSELFTEST = command(
    "pfselftest", 1, "admin", "@hyperloglog @admin @slow @dangerous",
    since="2.8.9",
    summary="An internal command for testing HyperLogLog values",
    complexity="N/A",
    doc_flags="syscmd",
)

SPECS = (
    PFADD,
    PFCOUNT,
    PFMERGE,
    PFDEBUG,
    PFSELFTEST,
)
