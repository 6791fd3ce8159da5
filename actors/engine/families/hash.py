"""hash commands (being written)."""
