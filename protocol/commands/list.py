"""List commands, blocking variants included.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine; see :mod:`protocol.commands.define` for the helpers and
:mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group('list', Scope.KEYS)

LPUSH = command(
    'lpush', -3, 'write denyoom fast', '@write @list @fast',
    keys=[ks('RW insert', 1)],
    syntax='key element ...',
    since='1.0.0',
    summary='Prepend one or multiple elements to a list',
    complexity='O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history=[('2.4.0', 'Accepts multiple `element` arguments.')],
)

RPUSH = command(
    'rpush', -3, 'write denyoom fast', '@write @list @fast',
    keys=[ks('RW insert', 1)],
    syntax='key element ...',
    since='1.0.0',
    summary='Append one or multiple elements to a list',
    complexity='O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history=[('2.4.0', 'Accepts multiple `element` arguments.')],
)

LPUSHX = command(
    'lpushx', -3, 'write denyoom fast', '@write @list @fast',
    keys=[ks('RW insert', 1)],
    syntax='key element ...',
    since='2.2.0',
    summary='Prepend an element to a list, only if the list exists',
    complexity='O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history=[('4.0.0', 'Accepts multiple `element` arguments.')],
)

RPUSHX = command(
    'rpushx', -3, 'write denyoom fast', '@write @list @fast',
    keys=[ks('RW insert', 1)],
    syntax='key element ...',
    since='2.2.0',
    summary='Append an element to a list, only if the list exists',
    complexity='O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history=[('4.0.0', 'Accepts multiple `element` arguments.')],
)

LPOP = command(
    'lpop', -2, 'write fast', '@write @list @fast',
    keys=[ks('RW access delete', 1)],
    syntax='key [count:integer@6.2.0]',
    since='1.0.0',
    summary='Remove and get the first elements in a list',
    complexity='O(N) where N is the number of elements returned',
    history=[('6.2.0', 'Added the `count` argument.')],
)

RPOP = command(
    'rpop', -2, 'write fast', '@write @list @fast',
    keys=[ks('RW access delete', 1)],
    syntax='key [count:integer@6.2.0]',
    since='1.0.0',
    summary='Remove and get the last elements in a list',
    complexity='O(N) where N is the number of elements returned',
    history=[('6.2.0', 'Added the `count` argument.')],
)

LLEN = command(
    'llen', 2, 'readonly fast', '@read @list @fast',
    keys=[ks('RO', 1)],
    syntax='key',
    since='1.0.0',
    summary='Get the length of a list',
    complexity='O(1)',
)

LRANGE = command(
    'lrange', 4, 'readonly', '@read @list @slow',
    keys=[ks('RO access', 1)],
    syntax='key start:integer stop:integer',
    since='1.0.0',
    summary='Get a range of elements from a list',
    complexity='O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
)

LINDEX = command(
    'lindex', 3, 'readonly', '@read @list @slow',
    keys=[ks('RO access', 1)],
    syntax='key index:integer',
    since='1.0.0',
    summary='Get an element from a list by its index',
    complexity='O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
)

LSET = command(
    'lset', 4, 'write denyoom', '@write @list @slow',
    keys=[ks('RW update', 1)],
    syntax='key index:integer element',
    since='1.0.0',
    summary='Set the value of an element in a list by its index',
    complexity='O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
)

LINSERT = command(
    'linsert', 5, 'write denyoom', '@write @list @slow',
    keys=[ks('RW insert', 1)],
    syntax='key (where: BEFORE | AFTER) pivot element',
    since='2.2.0',
    summary='Insert an element before or after another element in a list',
    complexity='O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
)

LREM = command(
    'lrem', 4, 'write', '@write @list @slow',
    keys=[ks('RW delete', 1)],
    syntax='key count:integer element',
    since='1.0.0',
    summary='Remove elements from a list',
    complexity='O(N+M) where N is the length of the list and M is the number of elements removed.',
)

LTRIM = command(
    'ltrim', 4, 'write', '@write @list @slow',
    keys=[ks('RW delete', 1)],
    syntax='key start:integer stop:integer',
    since='1.0.0',
    summary='Trim a list to the specified range',
    complexity='O(N) where N is the number of elements to be removed by the operation.',
)

LPOS = command(
    'lpos', -3, 'readonly', '@read @list @slow',
    keys=[ks('RO access', 1)],
    syntax='key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]',
    since='6.0.6',
    summary='Return the index of matching elements on a list',
    complexity='O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
)

LMOVE = command(
    'lmove', 5, 'write denyoom', '@write @list @slow',
    keys=[ks('RW access delete', 1), ks('RW insert', 2)],
    syntax='source:key destination:key#1 (wherefrom: LEFT | RIGHT) (whereto: LEFT | RIGHT)',
    since='6.2.0',
    summary='Pop an element from a list, push it to another list and return it',
    complexity='O(1)',
)

RPOPLPUSH = command(
    'rpoplpush', 3, 'write denyoom', '@write @list @slow',
    keys=[ks('RW access delete', 1), ks('RW insert', 2)],
    syntax='source:key destination:key#1',
    since='1.2.0',
    summary='Remove the last element in a list, prepend it to another list and return it',
    complexity='O(1)',
    doc_flags='deprecated',
    deprecated_since='6.2.0',
    replaced_by='`LMOVE` with the `RIGHT` and `LEFT` arguments',
)

LMPOP = command(
    'lmpop', -4, 'write', '@write @list @slow',
    keys=[ks('RW access delete', 1, keynumidx=0)],
    syntax='numkeys:integer key ... (where: LEFT | RIGHT) [COUNT count:integer]',
    since='7.0.0',
    summary='Pop elements from a list',
    complexity='O(N+M) where N is the number of provided keys and M is the number of elements returned.',
)

BLPOP = command(
    'blpop', -3, 'write noscript blocking', '@write @list @slow @blocking',
    keys=[ks('RW access delete', 1, lastkey=-2)],
    syntax='key ... timeout:double',
    since='2.0.0',
    summary='Remove and get the first element in a list, or block until one is available',
    complexity='O(N) where N is the number of provided keys.',
    history=[('6.0.0', '`timeout` is interpreted as a double instead of an integer.')],
)

BRPOP = command(
    'brpop', -3, 'write noscript blocking', '@write @list @slow @blocking',
    keys=[ks('RW access delete', 1, lastkey=-2)],
    syntax='key ... timeout:double',
    since='2.0.0',
    summary='Remove and get the last element in a list, or block until one is available',
    complexity='O(N) where N is the number of provided keys.',
    history=[('6.0.0', '`timeout` is interpreted as a double instead of an integer.')],
)

BLMOVE = command(
    'blmove', 6, 'write denyoom noscript blocking', '@write @list @slow @blocking',
    keys=[ks('RW access delete', 1), ks('RW insert', 2)],
    syntax='source:key destination:key#1 (wherefrom: LEFT | RIGHT) (whereto: LEFT | RIGHT) timeout:double',
    since='6.2.0',
    summary='Pop an element from a list, push it to another list and return it; or block until one is available',
    complexity='O(1)',
)

BRPOPLPUSH = command(
    'brpoplpush', 4, 'write denyoom noscript blocking', '@write @list @slow @blocking',
    keys=[ks('RW access delete', 1), ks('RW insert', 2)],
    syntax='source:key destination:key#1 timeout:double',
    since='2.2.0',
    summary='Pop an element from a list, push it to another list and return it; or block until one is available',
    complexity='O(1)',
    doc_flags='deprecated',
    deprecated_since='6.2.0',
    replaced_by='`BLMOVE` with the `RIGHT` and `LEFT` arguments',
    history=[('6.0.0', '`timeout` is interpreted as a double instead of an integer.')],
)

BLMPOP = command(
    'blmpop', -5, 'write blocking', '@write @list @slow @blocking',
    keys=[ks('RW access delete', 2, keynumidx=0)],
    syntax='timeout:double numkeys:integer key ... (where: LEFT | RIGHT) [COUNT count:integer]',
    since='7.0.0',
    summary='Pop elements from a list, or block until one is available',
    complexity='O(N+M) where N is the number of provided keys and M is the number of elements returned.',
)


SPECS = (
    LPUSH,
    RPUSH,
    LPUSHX,
    RPUSHX,
    LPOP,
    RPOP,
    LLEN,
    LRANGE,
    LINDEX,
    LSET,
    LINSERT,
    LREM,
    LTRIM,
    LPOS,
    LMOVE,
    RPOPLPUSH,
    LMPOP,
    BLPOP,
    BRPOP,
    BLMOVE,
    BRPOPLPUSH,
    BLMPOP,
)
