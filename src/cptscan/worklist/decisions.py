"""A coder's decision on one worklist row: what a corrected code may be, and the decision as a record.

The page and the service accept the same decisions: the page gets, per row, the codes an edit may choose
(``corrections``), and the service checks a posted decision with ``check`` against the same list, so a
corrected code is never validated by two different rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from cptscan.catalog.catalog import Catalog
from cptscan.worklist.rows import DECISIONS

# what a decision record keeps of its row: enough for ``cptscan outcomes`` and ``--to-gold`` to read it alone
ROW_FIELDS = ("id", "chart_id", "date_of_service", "type", "code", "billed", "expected", "suggested")
COMMENT_CHARS = 2000


def family(catalog: Catalog, code: str) -> set[str]:
    """The codes one service has gone by or comes in: its variants and its replaced or replacing codes
    (a Category III code and the code that took its place), followed both ways until nothing new is reached."""
    seen, todo = set(), [code]
    while todo:
        current = todo.pop()
        if current in seen or current not in catalog:
            continue
        seen.add(current)
        entry = catalog[current]
        todo.extend((*catalog.variants(current), *entry.replaces, *filter(None, [entry.replaced_by])))
    return seen


def corrections(row: dict, catalog: Catalog) -> list[str]:
    """The codes an edit of this row may choose: its code's family, in force on the row's date of service."""
    codes = family(catalog, row.get("code") or "") | family(catalog, row.get("expected") or "")
    return sorted(c for c in codes if catalog.is_effective(c, row["date_of_service"]))


def check(row: dict, decision: str, corrected_code: str, catalog: Catalog) -> Optional[str]:
    """Why this decision cannot be taken for this row, or None. Messages quote nothing the coder typed."""
    if decision not in DECISIONS and decision != "":
        return f"decision must be one of {', '.join(DECISIONS)} (or empty to clear it)"
    if decision != "edited":
        return "a corrected code goes only with an edited decision" if corrected_code else None
    if not corrected_code:
        return "an edited decision needs the corrected code"
    allowed = corrections(row, catalog)
    if corrected_code not in catalog:
        return "the corrected code is not a code of the catalog"
    if corrected_code not in allowed:
        return (f"the corrected code is not a code of this row's service in force on {row['date_of_service']} "
                f"(one of: {', '.join(allowed) or 'none'})")
    return None


def record(row: dict, decision: str, corrected_code: str, comment: str, worklist: str,
           now: Optional[dt.datetime] = None) -> dict:
    """One line of an outcomes file: the row's identity, the decision and when the service took it."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    return {"worklist": worklist, **{k: row.get(k, "") for k in ROW_FIELDS}, "decision": decision,
            "corrected_code": corrected_code, "comment": comment[:COMMENT_CHARS], "decided_at": stamp}
