"""stream commands (being written)."""
