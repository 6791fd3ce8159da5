"""Hash commands.

Specs only (DESIGN §3): data matches Redis 7.0's command table; the hash
field expiry commands (Redis 7.4) are added by hand at the end. The handlers
live in the engine; see :mod:`protocol.commands.define` for the helpers and
:mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group('hash', Scope.KEYS)

HSET = command(
    'hset', -4, 'write denyoom fast', '@write @hash @fast',
    keys=[ks('RW update', 1)],
    syntax='key (field value) ...',
    since='2.0.0',
    summary='Set the string value of a hash field',
    complexity='O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    history=[('4.0.0', 'Accepts multiple `field` and `value` arguments.')],
)

HSETNX = command(
    'hsetnx', 4, 'write denyoom fast', '@write @hash @fast',
    keys=[ks('RW insert', 1)],
    syntax='key field value',
    since='2.0.0',
    summary='Set the value of a hash field, only if the field does not exist',
    complexity='O(1)',
)

HGET = command(
    'hget', 3, 'readonly fast', '@read @hash @fast',
    keys=[ks('RO access', 1)],
    syntax='key field',
    since='2.0.0',
    summary='Get the value of a hash field',
    complexity='O(1)',
)

HMSET = command(
    'hmset', -4, 'write denyoom fast', '@write @hash @fast',
    keys=[ks('RW update', 1)],
    syntax='key (field value) ...',
    since='2.0.0',
    summary='Set multiple hash fields to multiple values',
    complexity='O(N) where N is the number of fields being set.',
    doc_flags='deprecated',
    deprecated_since='4.0.0',
    replaced_by='`HSET` with multiple field-value pairs',
)

HMGET = command(
    'hmget', -3, 'readonly fast', '@read @hash @fast',
    keys=[ks('RO access', 1)],
    syntax='key field ...',
    since='2.0.0',
    summary='Get the values of all the given hash fields',
    complexity='O(N) where N is the number of fields being requested.',
)

HGETALL = command(
    'hgetall', 2, 'readonly', '@read @hash @slow',
    keys=[ks('RO access', 1)],
    syntax='key',
    tips='nondeterministic_output_order',
    since='2.0.0',
    summary='Get all the fields and values in a hash',
    complexity='O(N) where N is the size of the hash.',
)

HDEL = command(
    'hdel', -3, 'write fast', '@write @hash @fast',
    keys=[ks('RW delete', 1)],
    syntax='key field ...',
    since='2.0.0',
    summary='Delete one or more hash fields',
    complexity='O(N) where N is the number of fields to be removed.',
    history=[('2.4.0', 'Accepts multiple `field` arguments.')],
)

HEXISTS = command(
    'hexists', 3, 'readonly fast', '@read @hash @fast',
    keys=[ks('RO', 1)],
    syntax='key field',
    since='2.0.0',
    summary='Determine if a hash field exists',
    complexity='O(1)',
)

HLEN = command(
    'hlen', 2, 'readonly fast', '@read @hash @fast',
    keys=[ks('RO', 1)],
    syntax='key',
    since='2.0.0',
    summary='Get the number of fields in a hash',
    complexity='O(1)',
)

HSTRLEN = command(
    'hstrlen', 3, 'readonly fast', '@read @hash @fast',
    keys=[ks('RO', 1)],
    syntax='key field',
    since='3.2.0',
    summary='Get the length of the value of a hash field',
    complexity='O(1)',
)

HKEYS = command(
    'hkeys', 2, 'readonly', '@read @hash @slow',
    keys=[ks('RO access', 1)],
    syntax='key',
    tips='nondeterministic_output_order',
    since='2.0.0',
    summary='Get all the fields in a hash',
    complexity='O(N) where N is the size of the hash.',
)

HVALS = command(
    'hvals', 2, 'readonly', '@read @hash @slow',
    keys=[ks('RO access', 1)],
    syntax='key',
    tips='nondeterministic_output_order',
    since='2.0.0',
    summary='Get all the values in a hash',
    complexity='O(N) where N is the size of the hash.',
)

HINCRBY = command(
    'hincrby', 4, 'write denyoom fast', '@write @hash @fast',
    keys=[ks('RW access update', 1)],
    syntax='key field increment:integer',
    since='2.0.0',
    summary='Increment the integer value of a hash field by the given number',
    complexity='O(1)',
)

HINCRBYFLOAT = command(
    'hincrbyfloat', 4, 'write denyoom fast', '@write @hash @fast',
    keys=[ks('RW access update', 1)],
    syntax='key field increment:double',
    since='2.6.0',
    summary='Increment the float value of a hash field by the given amount',
    complexity='O(1)',
)

HRANDFIELD = command(
    'hrandfield', -2, 'readonly', '@read @hash @slow',
    keys=[ks('RO access', 1)],
    syntax='key [options: count:integer [WITHVALUES]]',
    tips='nondeterministic_output',
    since='6.2.0',
    summary='Get one or multiple random fields from a hash',
    complexity='O(N) where N is the number of fields returned',
)

HSCAN = command(
    'hscan', -3, 'readonly', '@read @hash @slow',
    keys=[ks('RO access', 1)],
    syntax='key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]',
    tips='nondeterministic_output',
    since='2.8.0',
    summary='Incrementally iterate hash fields and associated values',
    complexity='O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
)


# Hash field expiry arrived in Redis 7.4; these specs follow its command table
# (src/commands/hexpire.json and friends), written by hand.

HEXPIRE = command(
    'hexpire', -6, 'write denyoom fast', '@write @hash @fast',
    keys=[ks('RW update', 1)],
    syntax='key seconds:integer [condition: NX | XX | GT | LT] FIELDS (fields: numfields:integer field ...)',
    since='7.4.0',
    summary='Set expiry for hash field using relative time to expire (seconds)',
    complexity='O(N) where N is the number of specified fields',
)

HPEXPIRE = command(
    'hpexpire', -6, 'write denyoom fast', '@write @hash @fast',
    keys=[ks('RW update', 1)],
    syntax='key milliseconds:integer [condition: NX | XX | GT | LT] FIELDS (fields: numfields:integer field ...)',
    since='7.4.0',
    summary='Set expiry for hash field using relative time to expire (milliseconds)',
    complexity='O(N) where N is the number of specified fields',
)

HEXPIREAT = command(
    'hexpireat', -6, 'write denyoom fast', '@write @hash @fast',
    keys=[ks('RW update', 1)],
    syntax='key unix-time-seconds:integer [condition: NX | XX | GT | LT] FIELDS (fields: numfields:integer field ...)',
    since='7.4.0',
    summary='Set expiry for hash field using an absolute Unix timestamp (seconds)',
    complexity='O(N) where N is the number of specified fields',
)

HPEXPIREAT = command(
    'hpexpireat', -6, 'write denyoom fast', '@write @hash @fast',
    keys=[ks('RW update', 1)],
    syntax='key unix-time-milliseconds:integer [condition: NX | XX | GT | LT] FIELDS (fields: numfields:integer field ...)',
    since='7.4.0',
    summary='Set expiry for hash field using an absolute Unix timestamp (milliseconds)',
    complexity='O(N) where N is the number of specified fields',
)

HTTL = command(
    'httl', -5, 'readonly fast', '@read @hash @fast',
    keys=[ks('RO access', 1)],
    syntax='key FIELDS (fields: numfields:integer field ...)',
    since='7.4.0',
    summary='Returns the TTL in seconds of a hash field.',
    complexity='O(N) where N is the number of specified fields',
)

HPTTL = command(
    'hpttl', -5, 'readonly fast', '@read @hash @fast',
    keys=[ks('RO access', 1)],
    syntax='key FIELDS (fields: numfields:integer field ...)',
    since='7.4.0',
    summary='Returns the TTL in milliseconds of a hash field.',
    complexity='O(N) where N is the number of specified fields',
)

HEXPIRETIME = command(
    'hexpiretime', -5, 'readonly fast', '@read @hash @fast',
    keys=[ks('RO access', 1)],
    syntax='key FIELDS (fields: numfields:integer field ...)',
    since='7.4.0',
    summary='Returns the expiration time of a hash field as a Unix timestamp, in seconds.',
    complexity='O(N) where N is the number of specified fields',
)

HPEXPIRETIME = command(
    'hpexpiretime', -5, 'readonly fast', '@read @hash @fast',
    keys=[ks('RO access', 1)],
    syntax='key FIELDS (fields: numfields:integer field ...)',
    since='7.4.0',
    summary='Returns the expiration time of a hash field as a Unix timestamp, in msec.',
    complexity='O(N) where N is the number of specified fields',
)

HPERSIST = command(
    'hpersist', -5, 'write fast', '@write @hash @fast',
    keys=[ks('RW update', 1)],
    syntax='key FIELDS (fields: numfields:integer field ...)',
    since='7.4.0',
    summary='Removes the expiration time for each specified field',
    complexity='O(N) where N is the number of specified fields',
)


SPECS = (
    HSET,
    HSETNX,
    HGET,
    HMSET,
    HMGET,
    HGETALL,
    HDEL,
    HEXISTS,
    HLEN,
    HSTRLEN,
    HKEYS,
    HVALS,
    HINCRBY,
    HINCRBYFLOAT,
    HRANDFIELD,
    HSCAN,
    HEXPIRE,
    HPEXPIRE,
    HEXPIREAT,
    HPEXPIREAT,
    HTTL,
    HPTTL,
    HEXPIRETIME,
    HPEXPIRETIME,
    HPERSIST,
)
