"""zset commands (being written)."""
