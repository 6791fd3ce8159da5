"""set commands (being written)."""
