"""sort commands (being written)."""
