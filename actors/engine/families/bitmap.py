"""bitmap commands (being written)."""
