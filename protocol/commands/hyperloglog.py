"""hyperloglog commands (specs are added as the family lands)."""

from __future__ import annotations

SPECS = ()
