"""Redis's on-disk formats, pure and synchronous: RDB files, DUMP payloads,
and the checksum and compression they use. No trio, no other actor module:
the snapshot and AOF actors drive these encoders and decoders."""
