"""SORT and SORT_RO (Redis files them in the generic group).

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine; see :mod:`protocol.commands.define` for the helpers and
:mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group('generic', Scope.KEYS)

_SORT_SKIP = {b"limit": 2, b"get": 1, b"by": 1}


def _sort_keys(argv: list[bytes]) -> list[tuple[int, tuple[str, ...]]]:
    """Redis's sortGetKeys: the sorted key, and the last STORE destination."""
    keys = [(1, ("RO", "access"))]
    store = None
    position = 2
    while position < len(argv):
        word = argv[position].lower()
        if word in _SORT_SKIP:
            position += _SORT_SKIP[word]
        elif word == b"store" and position + 1 < len(argv):
            store = position + 1  # the last STORE wins, as in SORT itself
        position += 1
    if store is not None:
        keys.append((store, ("OW", "update")))
    return keys


def _sort_ro_keys(argv: list[bytes]) -> list[tuple[int, tuple[str, ...]]]:
    return [(1, ("RO", "access"))]


SORT = command(
    'sort', -2, 'write denyoom', '@write @set @sortedset @list @slow @dangerous',
    keys=[ks('RO access', 1), ks('RO access', find="unknown", notes="For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"), ks('OW update', find="unknown", notes="For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array")],
    keys_proc=_sort_keys,
    syntax='key [BY pattern:pattern#1] [LIMIT (offset:integer count:integer)] [GET pattern:pattern#1]... [order: ASC | DESC] [ALPHA=sorting] [STORE destination:key#2]',
    since='1.0.0',
    summary='Sort the elements in a list, set or sorted set',
    complexity='O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
)

SORT_RO = command(
    'sort_ro', -2, 'readonly', '@read @set @sortedset @list @slow @dangerous',
    keys=[ks('RO access', 1), ks('RO access', find="unknown", notes="For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort")],
    keys_proc=_sort_ro_keys,
    syntax='key [BY pattern:pattern#1] [LIMIT (offset:integer count:integer)] [GET pattern:pattern#1]... [order: ASC | DESC] [ALPHA=sorting]',
    since='7.0.0',
    summary='Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    complexity='O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
)


SPECS = (
    SORT,
    SORT_RO,
)
