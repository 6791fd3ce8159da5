"""Pub/Sub commands: they run in the connection actor, which talks to the hub.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in :mod:`actors.connection_commands`; the hub is :mod:`actors.pubsub`.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group("pubsub", Scope.CONNECTION)

SUBSCRIBE = command(
    'subscribe', -2, 'pubsub noscript loading stale', '@pubsub @slow',
    syntax='channel ...',
    since='2.0.0',
    summary='Listen for messages published to the given channels',
    complexity='O(N) where N is the number of channels to subscribe to.',
)

UNSUBSCRIBE = command(
    'unsubscribe', -1, 'pubsub noscript loading stale', '@pubsub @slow',
    syntax='[channel ...]',
    since='2.0.0',
    summary='Stop listening for messages posted to the given channels',
    complexity='O(N) where N is the number of clients already subscribed to a channel.',
)

PSUBSCRIBE = command(
    'psubscribe', -2, 'pubsub noscript loading stale', '@pubsub @slow',
    syntax='(pattern: pattern:pattern) ...',
    since='2.0.0',
    summary='Listen for messages published to channels matching the given patterns',
    complexity='O(N) where N is the number of patterns the client is already subscribed to.',
)

PUNSUBSCRIBE = command(
    'punsubscribe', -1, 'pubsub noscript loading stale', '@pubsub @slow',
    syntax='[pattern:pattern ...]',
    since='2.0.0',
    summary='Stop listening for messages posted to channels matching the given patterns',
    complexity='O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
)

PUBLISH = command(
    'publish', 3, 'pubsub loading stale fast', '@pubsub @fast',
    syntax='channel message',
    since='2.0.0',
    summary='Post a message to a channel',
    complexity='O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
)

PUBSUB_CHANNELS = command(
    'pubsub|channels', -2, 'pubsub loading stale', '@pubsub @slow',
    syntax='[pattern:pattern]',
    since='2.8.0',
    summary='List active channels',
    complexity='O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
)

PUBSUB_NUMSUB = command(
    'pubsub|numsub', -2, 'pubsub loading stale', '@pubsub @slow',
    syntax='[channel ...]',
    since='2.8.0',
    summary='Get the count of subscribers for channels',
    complexity='O(N) for the NUMSUB subcommand, where N is the number of requested channels',
)

PUBSUB_NUMPAT = command(
    'pubsub|numpat', 2, 'pubsub loading stale', '@pubsub @slow',
    since='2.8.0',
    summary='Get the count of unique patterns pattern subscriptions',
    complexity='O(1)',
)

PUBSUB_SHARDCHANNELS = command(
    'pubsub|shardchannels', -2, 'pubsub loading stale', '@pubsub @slow',
    syntax='[pattern:pattern]',
    since='7.0.0',
    summary='List active shard channels',
    complexity='O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
)

PUBSUB_SHARDNUMSUB = command(
    'pubsub|shardnumsub', -2, 'pubsub loading stale', '@pubsub @slow',
    syntax='[shardchannel ...]',
    since='7.0.0',
    summary='Get the count of subscribers for shard channels',
    complexity='O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
)

PUBSUB_HELP = command(
    'pubsub|help', 2, 'loading stale', '@slow',
    since='6.2.0',
    summary='Show helpful text about the different subcommands',
    complexity='O(1)',
)

PUBSUB = command(
    'pubsub', -2, '', '@slow',
    since='2.8.0',
    summary='A container for Pub/Sub commands',
    complexity='Depends on subcommand.',
    subcommands=[PUBSUB_CHANNELS, PUBSUB_NUMSUB, PUBSUB_NUMPAT, PUBSUB_SHARDCHANNELS, PUBSUB_SHARDNUMSUB, PUBSUB_HELP],
)

SSUBSCRIBE = command(
    'ssubscribe', -2, 'pubsub noscript loading stale', '@pubsub @slow',
    keys=[ks('not_key', 1, lastkey=-1)],
    syntax='shardchannel ...',
    since='7.0.0',
    summary='Listen for messages published to the given shard channels',
    complexity='O(N) where N is the number of shard channels to subscribe to.',
)

SUNSUBSCRIBE = command(
    'sunsubscribe', -1, 'pubsub noscript loading stale', '@pubsub @slow',
    keys=[ks('not_key', 1, lastkey=-1)],
    syntax='[shardchannel ...]',
    since='7.0.0',
    summary='Stop listening for messages posted to the given shard channels',
    complexity='O(N) where N is the number of clients already subscribed to a shard channel.',
)

SPUBLISH = command(
    'spublish', 3, 'pubsub loading stale fast', '@pubsub @fast',
    keys=[ks('not_key', 1)],
    syntax='shardchannel message',
    since='7.0.0',
    summary='Post a message to a shard channel',
    complexity='O(N) where N is the number of clients subscribed to the receiving shard channel.',
)


SPECS = (
    SUBSCRIBE,
    UNSUBSCRIBE,
    PSUBSCRIBE,
    PUNSUBSCRIBE,
    PUBLISH,
    PUBSUB,
    SSUBSCRIBE,
    SUNSUBSCRIBE,
    SPUBLISH,
)
