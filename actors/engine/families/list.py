"""list commands (being written)."""
