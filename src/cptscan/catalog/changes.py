"""The code-set changes of one year, from the catalog's own dates and replacements (no list kept by hand):
codes that took effect that year, and codes whose last day fell before or in it, replaced or deleted."""

from __future__ import annotations

import datetime as dt

from .catalog import Catalog


def code_changes(catalog: Catalog, year: int) -> list[dict]:
    """``{code, change, date, replaces|replaced_by, description}``: ``new`` when a code takes effect in
    ``year``; ``replaced`` or ``deleted`` when its first day out of force falls in ``year``."""
    out = []
    for entry in sorted(catalog.entries.values(), key=lambda e: e.code):
        if entry.effective_from.year == year:
            out.append({"code": entry.code, "change": "new", "date": entry.effective_from.isoformat(),
                        "replaces": list(entry.replaces), "replaced_by": None, "description": entry.description})
        out_from = entry.effective_to + dt.timedelta(days=1) if entry.effective_to else None
        if out_from is not None and out_from.year == year:
            out.append({"code": entry.code, "change": "replaced" if entry.replaced_by else "deleted",
                        "date": out_from.isoformat(), "replaces": [], "replaced_by": entry.replaced_by,
                        "description": entry.description})
    return out
