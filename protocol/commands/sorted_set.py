"""Sorted set commands, blocking variants included.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine; see :mod:`protocol.commands.define` for the helpers and
:mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group('sorted_set', Scope.KEYS)

ZADD = command(
    'zadd', -4, 'write denyoom fast', '@write @sortedset @fast',
    keys=[ks('RW update', 1)],
    syntax='key [condition@3.0.2: NX | XX] [comparison@6.2.0: GT | LT] [CH=change@3.0.2] [INCR=increment@3.0.2] (score:double member) ...',
    since='1.2.0',
    summary='Add one or more members to a sorted set, or update its score if it already exists',
    complexity='O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history=[('2.4.0', 'Accepts multiple elements.'), ('3.0.2', 'Added the `XX`, `NX`, `CH` and `INCR` options.'), ('6.2.0', 'Added the `GT` and `LT` options.')],
)

ZINCRBY = command(
    'zincrby', 4, 'write denyoom fast', '@write @sortedset @fast',
    keys=[ks('RW access update', 1)],
    syntax='key increment:integer member',
    since='1.2.0',
    summary='Increment the score of a member in a sorted set',
    complexity='O(log(N)) where N is the number of elements in the sorted set.',
)

ZREM = command(
    'zrem', -3, 'write fast', '@write @sortedset @fast',
    keys=[ks('RW delete', 1)],
    syntax='key member ...',
    since='1.2.0',
    summary='Remove one or more members from a sorted set',
    complexity='O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
    history=[('2.4.0', 'Accepts multiple elements.')],
)

ZCARD = command(
    'zcard', 2, 'readonly fast', '@read @sortedset @fast',
    keys=[ks('RO', 1)],
    syntax='key',
    since='1.2.0',
    summary='Get the number of members in a sorted set',
    complexity='O(1)',
)

ZSCORE = command(
    'zscore', 3, 'readonly fast', '@read @sortedset @fast',
    keys=[ks('RO access', 1)],
    syntax='key member',
    since='1.2.0',
    summary='Get the score associated with the given member in a sorted set',
    complexity='O(1)',
)

ZMSCORE = command(
    'zmscore', -3, 'readonly fast', '@read @sortedset @fast',
    keys=[ks('RO access', 1)],
    syntax='key member ...',
    since='6.2.0',
    summary='Get the score associated with the given members in a sorted set',
    complexity='O(N) where N is the number of members being requested.',
)

ZRANK = command(
    'zrank', 3, 'readonly fast', '@read @sortedset @fast',
    keys=[ks('RO access', 1)],
    syntax='key member',
    since='2.0.0',
    summary='Determine the index of a member in a sorted set',
    complexity='O(log(N))',
)

ZREVRANK = command(
    'zrevrank', 3, 'readonly fast', '@read @sortedset @fast',
    keys=[ks('RO access', 1)],
    syntax='key member',
    since='2.0.0',
    summary='Determine the index of a member in a sorted set, with scores ordered from high to low',
    complexity='O(log(N))',
)

ZCOUNT = command(
    'zcount', 4, 'readonly fast', '@read @sortedset @fast',
    keys=[ks('RO access', 1)],
    syntax='key min:double max:double',
    since='2.0.0',
    summary='Count the members in a sorted set with scores within the given values',
    complexity='O(log(N)) with N being the number of elements in the sorted set.',
)

ZLEXCOUNT = command(
    'zlexcount', 4, 'readonly fast', '@read @sortedset @fast',
    keys=[ks('RO access', 1)],
    syntax='key min max',
    since='2.8.9',
    summary='Count the number of members in a sorted set between a given lexicographical range',
    complexity='O(log(N)) with N being the number of elements in the sorted set.',
)

ZRANGE = command(
    'zrange', -4, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1)],
    syntax='key start stop [sortby@6.2.0: BYSCORE | BYLEX] [REV@6.2.0] [LIMIT (offset_count@6.2.0: offset:integer count:integer)] [WITHSCORES]',
    since='1.2.0',
    summary='Return a range of members in a sorted set',
    complexity='O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    history=[('6.2.0', 'Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.')],
)

ZRANGESTORE = command(
    'zrangestore', -5, 'write denyoom', '@write @sortedset @slow',
    keys=[ks('OW update', 1), ks('RO access', 2)],
    syntax='dst:key src:key#1 min max [sortby: BYSCORE | BYLEX] [REV] [LIMIT (offset:integer count:integer)]',
    since='6.2.0',
    summary='Store a range of members from sorted set into another key',
    complexity='O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
)

ZREVRANGE = command(
    'zrevrange', -4, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1)],
    syntax='key start:integer stop:integer [WITHSCORES]',
    since='1.2.0',
    summary='Return a range of members in a sorted set, by index, with scores ordered from high to low',
    complexity='O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    doc_flags='deprecated',
    deprecated_since='6.2.0',
    replaced_by='`ZRANGE` with the `REV` argument',
)

ZRANGEBYSCORE = command(
    'zrangebyscore', -4, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1)],
    syntax='key min:double max:double [WITHSCORES@2.0.0] [LIMIT (offset:integer count:integer)]',
    since='1.0.5',
    summary='Return a range of members in a sorted set, by score',
    complexity='O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    doc_flags='deprecated',
    deprecated_since='6.2.0',
    replaced_by='`ZRANGE` with the `BYSCORE` argument',
    history=[('2.0.0', 'Added the `WITHSCORES` modifier.')],
)

ZREVRANGEBYSCORE = command(
    'zrevrangebyscore', -4, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1)],
    syntax='key max:double min:double [WITHSCORES] [LIMIT (offset:integer count:integer)]',
    since='2.2.0',
    summary='Return a range of members in a sorted set, by score, with scores ordered from high to low',
    complexity='O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    doc_flags='deprecated',
    deprecated_since='6.2.0',
    replaced_by='`ZRANGE` with the `REV` and `BYSCORE` arguments',
    history=[('2.1.6', '`min` and `max` can be exclusive.')],
)

ZRANGEBYLEX = command(
    'zrangebylex', -4, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1)],
    syntax='key min max [LIMIT (offset:integer count:integer)]',
    since='2.8.9',
    summary='Return a range of members in a sorted set, by lexicographical range',
    complexity='O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    doc_flags='deprecated',
    deprecated_since='6.2.0',
    replaced_by='`ZRANGE` with the `BYLEX` argument',
)

ZREVRANGEBYLEX = command(
    'zrevrangebylex', -4, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1)],
    syntax='key max min [LIMIT (offset:integer count:integer)]',
    since='2.8.9',
    summary='Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
    complexity='O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    doc_flags='deprecated',
    deprecated_since='6.2.0',
    replaced_by='`ZRANGE` with the `REV` and `BYLEX` arguments',
)

ZREMRANGEBYRANK = command(
    'zremrangebyrank', 4, 'write', '@write @sortedset @slow',
    keys=[ks('RW delete', 1)],
    syntax='key start:integer stop:integer',
    since='2.0.0',
    summary='Remove all members in a sorted set within the given indexes',
    complexity='O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
)

ZREMRANGEBYSCORE = command(
    'zremrangebyscore', 4, 'write', '@write @sortedset @slow',
    keys=[ks('RW delete', 1)],
    syntax='key min:double max:double',
    since='1.2.0',
    summary='Remove all members in a sorted set within the given scores',
    complexity='O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
)

ZREMRANGEBYLEX = command(
    'zremrangebylex', 4, 'write', '@write @sortedset @slow',
    keys=[ks('RW delete', 1)],
    syntax='key min max',
    since='2.8.9',
    summary='Remove all members in a sorted set between the given lexicographical range',
    complexity='O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
)

ZPOPMIN = command(
    'zpopmin', -2, 'write fast', '@write @sortedset @fast',
    keys=[ks('RW access delete', 1)],
    syntax='key [count:integer]',
    since='5.0.0',
    summary='Remove and return members with the lowest scores in a sorted set',
    complexity='O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
)

ZPOPMAX = command(
    'zpopmax', -2, 'write fast', '@write @sortedset @fast',
    keys=[ks('RW access delete', 1)],
    syntax='key [count:integer]',
    since='5.0.0',
    summary='Remove and return members with the highest scores in a sorted set',
    complexity='O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
)

ZMPOP = command(
    'zmpop', -4, 'write', '@write @sortedset @slow',
    keys=[ks('RW access delete', 1, keynumidx=0)],
    syntax='numkeys:integer key ... (where: MIN | MAX) [COUNT count:integer]',
    since='7.0.0',
    summary='Remove and return members with scores in a sorted set',
    complexity='O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
)

ZRANDMEMBER = command(
    'zrandmember', -2, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1)],
    syntax='key [options: count:integer [WITHSCORES]]',
    tips='nondeterministic_output',
    since='6.2.0',
    summary='Get one or multiple random elements from a sorted set',
    complexity='O(N) where N is the number of elements returned',
)

ZUNION = command(
    'zunion', -3, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1, keynumidx=0)],
    syntax='numkeys:integer key ... [WEIGHTS weight:integer ...] [AGGREGATE (aggregate: SUM | MIN | MAX)] [WITHSCORES]',
    since='6.2.0',
    summary='Add multiple sorted sets',
    complexity='O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
)

ZINTER = command(
    'zinter', -3, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1, keynumidx=0)],
    syntax='numkeys:integer key ... [WEIGHTS weight:integer ...] [AGGREGATE (aggregate: SUM | MIN | MAX)] [WITHSCORES]',
    since='6.2.0',
    summary='Intersect multiple sorted sets',
    complexity='O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.',
)

ZDIFF = command(
    'zdiff', -3, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1, keynumidx=0)],
    syntax='numkeys:integer key ... [WITHSCORES]',
    since='6.2.0',
    summary='Subtract multiple sorted sets',
    complexity='O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.',
)

ZUNIONSTORE = command(
    'zunionstore', -4, 'write denyoom', '@write @sortedset @slow',
    keys=[ks('OW update', 1), ks('RO access', 2, keynumidx=0)],
    syntax='destination:key numkeys:integer key#1 ... [WEIGHTS weight:integer ...] [AGGREGATE (aggregate: SUM | MIN | MAX)]',
    since='2.0.0',
    summary='Add multiple sorted sets and store the resulting sorted set in a new key',
    complexity='O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
)

ZINTERSTORE = command(
    'zinterstore', -4, 'write denyoom', '@write @sortedset @slow',
    keys=[ks('OW update', 1), ks('RO access', 2, keynumidx=0)],
    syntax='destination:key numkeys:integer key#1 ... [WEIGHTS weight:integer ...] [AGGREGATE (aggregate: SUM | MIN | MAX)]',
    since='2.0.0',
    summary='Intersect multiple sorted sets and store the resulting sorted set in a new key',
    complexity='O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.',
)

ZDIFFSTORE = command(
    'zdiffstore', -4, 'write denyoom', '@write @sortedset @slow',
    keys=[ks('OW update', 1), ks('RO access', 2, keynumidx=0)],
    syntax='destination:key numkeys:integer key#1 ...',
    since='6.2.0',
    summary='Subtract multiple sorted sets and store the resulting sorted set in a new key',
    complexity='O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.',
)

ZINTERCARD = command(
    'zintercard', -3, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1, keynumidx=0)],
    syntax='numkeys:integer key ... [LIMIT limit:integer]',
    since='7.0.0',
    summary='Intersect multiple sorted sets and return the cardinality of the result',
    complexity='O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
)

ZSCAN = command(
    'zscan', -3, 'readonly', '@read @sortedset @slow',
    keys=[ks('RO access', 1)],
    syntax='key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]',
    tips='nondeterministic_output',
    since='2.8.0',
    summary='Incrementally iterate sorted sets elements and associated scores',
    complexity='O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
)

BZPOPMIN = command(
    'bzpopmin', -3, 'write noscript blocking fast', '@write @sortedset @fast @blocking',
    keys=[ks('RW access delete', 1, lastkey=-2)],
    syntax='key ... timeout:double',
    since='5.0.0',
    summary='Remove and return the member with the lowest score from one or more sorted sets, or block until one is available',
    complexity='O(log(N)) with N being the number of elements in the sorted set.',
    history=[('6.0.0', '`timeout` is interpreted as a double instead of an integer.')],
)

BZPOPMAX = command(
    'bzpopmax', -3, 'write noscript blocking fast', '@write @sortedset @fast @blocking',
    keys=[ks('RW access delete', 1, lastkey=-2)],
    syntax='key ... timeout:double',
    since='5.0.0',
    summary='Remove and return the member with the highest score from one or more sorted sets, or block until one is available',
    complexity='O(log(N)) with N being the number of elements in the sorted set.',
    history=[('6.0.0', '`timeout` is interpreted as a double instead of an integer.')],
)

BZMPOP = command(
    'bzmpop', -5, 'write blocking', '@write @sortedset @slow @blocking',
    keys=[ks('RW access delete', 2, keynumidx=0)],
    syntax='timeout:double numkeys:integer key ... (where: MIN | MAX) [COUNT count:integer]',
    since='7.0.0',
    summary='Remove and return members with scores in a sorted set or block until one is available',
    complexity='O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
)


SPECS = (
    ZADD,
    ZINCRBY,
    ZREM,
    ZCARD,
    ZSCORE,
    ZMSCORE,
    ZRANK,
    ZREVRANK,
    ZCOUNT,
    ZLEXCOUNT,
    ZRANGE,
    ZRANGESTORE,
    ZREVRANGE,
    ZRANGEBYSCORE,
    ZREVRANGEBYSCORE,
    ZRANGEBYLEX,
    ZREVRANGEBYLEX,
    ZREMRANGEBYRANK,
    ZREMRANGEBYSCORE,
    ZREMRANGEBYLEX,
    ZPOPMIN,
    ZPOPMAX,
    ZMPOP,
    ZRANDMEMBER,
    ZUNION,
    ZINTER,
    ZDIFF,
    ZUNIONSTORE,
    ZINTERSTORE,
    ZDIFFSTORE,
    ZINTERCARD,
    ZSCAN,
    BZPOPMIN,
    BZPOPMAX,
    BZMPOP,
)
