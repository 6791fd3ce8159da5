"""Set commands.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine; see :mod:`protocol.commands.define` for the helpers and
:mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group('set', Scope.KEYS)

SADD = command(
    'sadd', -3, 'write denyoom fast', '@write @set @fast',
    keys=[ks('RW insert', 1)],
    syntax='key member ...',
    since='1.0.0',
    summary='Add one or more members to a set',
    complexity='O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history=[('2.4.0', 'Accepts multiple `member` arguments.')],
)

SREM = command(
    'srem', -3, 'write fast', '@write @set @fast',
    keys=[ks('RW delete', 1)],
    syntax='key member ...',
    since='1.0.0',
    summary='Remove one or more members from a set',
    complexity='O(N) where N is the number of members to be removed.',
    history=[('2.4.0', 'Accepts multiple `member` arguments.')],
)

SISMEMBER = command(
    'sismember', 3, 'readonly fast', '@read @set @fast',
    keys=[ks('RO', 1)],
    syntax='key member',
    since='1.0.0',
    summary='Determine if a given value is a member of a set',
    complexity='O(1)',
)

SMISMEMBER = command(
    'smismember', -3, 'readonly fast', '@read @set @fast',
    keys=[ks('RO access', 1)],
    syntax='key member ...',
    since='6.2.0',
    summary='Returns the membership associated with the given elements for a set',
    complexity='O(N) where N is the number of elements being checked for membership',
)

SMEMBERS = command(
    'smembers', 2, 'readonly', '@read @set @slow',
    keys=[ks('RO access', 1)],
    syntax='key',
    tips='nondeterministic_output_order',
    since='1.0.0',
    summary='Get all the members in a set',
    complexity='O(N) where N is the set cardinality.',
)

SCARD = command(
    'scard', 2, 'readonly fast', '@read @set @fast',
    keys=[ks('RO', 1)],
    syntax='key',
    since='1.0.0',
    summary='Get the number of members in a set',
    complexity='O(1)',
)

SPOP = command(
    'spop', -2, 'write fast', '@write @set @fast',
    keys=[ks('RW access delete', 1)],
    syntax='key [count:integer@3.2.0]',
    tips='nondeterministic_output',
    since='1.0.0',
    summary='Remove and return one or multiple random members from a set',
    complexity='Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    history=[('3.2.0', 'Added the `count` argument.')],
)

SRANDMEMBER = command(
    'srandmember', -2, 'readonly', '@read @set @slow',
    keys=[ks('RO access', 1)],
    syntax='key [count:integer@2.6.0]',
    tips='nondeterministic_output',
    since='1.0.0',
    summary='Get one or multiple random members from a set',
    complexity='Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    history=[('2.6.0', 'Added the optional `count` argument.')],
)

SMOVE = command(
    'smove', 4, 'write fast', '@write @set @fast',
    keys=[ks('RW access delete', 1), ks('RW insert', 2)],
    syntax='source:key destination:key#1 member',
    since='1.0.0',
    summary='Move a member from one set to another',
    complexity='O(1)',
)

SINTER = command(
    'sinter', -2, 'readonly', '@read @set @slow',
    keys=[ks('RO access', 1, lastkey=-1)],
    syntax='key ...',
    tips='nondeterministic_output_order',
    since='1.0.0',
    summary='Intersect multiple sets',
    complexity='O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
)

SINTERCARD = command(
    'sintercard', -3, 'readonly', '@read @set @slow',
    keys=[ks('RO access', 1, keynumidx=0)],
    syntax='numkeys:integer key ... [LIMIT limit:integer]',
    since='7.0.0',
    summary='Intersect multiple sets and return the cardinality of the result',
    complexity='O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
)

SINTERSTORE = command(
    'sinterstore', -3, 'write denyoom', '@write @set @slow',
    keys=[ks('RW update', 1), ks('RO access', 2, lastkey=-1)],
    syntax='destination:key key#1 ...',
    since='1.0.0',
    summary='Intersect multiple sets and store the resulting set in a key',
    complexity='O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
)

SUNION = command(
    'sunion', -2, 'readonly', '@read @set @slow',
    keys=[ks('RO access', 1, lastkey=-1)],
    syntax='key ...',
    tips='nondeterministic_output_order',
    since='1.0.0',
    summary='Add multiple sets',
    complexity='O(N) where N is the total number of elements in all given sets.',
)

SUNIONSTORE = command(
    'sunionstore', -3, 'write denyoom', '@write @set @slow',
    keys=[ks('OW update', 1), ks('RO access', 2, lastkey=-1)],
    syntax='destination:key key#1 ...',
    since='1.0.0',
    summary='Add multiple sets and store the resulting set in a key',
    complexity='O(N) where N is the total number of elements in all given sets.',
)

SDIFF = command(
    'sdiff', -2, 'readonly', '@read @set @slow',
    keys=[ks('RO access', 1, lastkey=-1)],
    syntax='key ...',
    tips='nondeterministic_output_order',
    since='1.0.0',
    summary='Subtract multiple sets',
    complexity='O(N) where N is the total number of elements in all given sets.',
)

SDIFFSTORE = command(
    'sdiffstore', -3, 'write denyoom', '@write @set @slow',
    keys=[ks('OW update', 1), ks('RO access', 2, lastkey=-1)],
    syntax='destination:key key#1 ...',
    since='1.0.0',
    summary='Subtract multiple sets and store the resulting set in a key',
    complexity='O(N) where N is the total number of elements in all given sets.',
)

SSCAN = command(
    'sscan', -3, 'readonly', '@read @set @slow',
    keys=[ks('RO access', 1)],
    syntax='key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]',
    tips='nondeterministic_output',
    since='2.8.0',
    summary='Incrementally iterate Set elements',
    complexity='O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
)


SPECS = (
    SADD,
    SREM,
    SISMEMBER,
    SMISMEMBER,
    SMEMBERS,
    SCARD,
    SPOP,
    SRANDMEMBER,
    SMOVE,
    SINTER,
    SINTERCARD,
    SINTERSTORE,
    SUNION,
    SUNIONSTORE,
    SDIFF,
    SDIFFSTORE,
    SSCAN,
)
