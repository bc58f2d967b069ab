"""What changed between two policy tables, per payer and code: the date ranges on which the status differs.

Rows are compared by what they mean on each date, not row by row, so splitting a row in two changes
nothing, and a new end date shows as the dates that lost their row. A coding manager reads each change as
"from .. to: old status -> new status" and sees which open worklist rows fall in it.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from cptscan.coverage.table import PolicyRow, PolicyTable

ONE_DAY = dt.timedelta(days=1)


def _boundaries(rows: Iterable[PolicyRow]) -> list[dt.date]:
    """The dates on which some row starts, or the day after one ends."""
    days = set()
    for row in rows:
        days.add(row.effective_from)
        if row.effective_to is not None:
            days.add(row.effective_to + ONE_DAY)
    return sorted(days)


def _status(row: Optional[PolicyRow]) -> Optional[str]:
    return row.status if row else None


def changes(old: PolicyTable, new: PolicyTable) -> list[dict]:
    """``{payer_id, code, from, to, old, new, old_row, new_row}`` for each date range whose status differs
    (``None``: no row; ``to`` None: open-ended), adjacent ranges with the same change merged."""
    out: list[dict] = []
    for payer, code in sorted(set(old.keys()) | set(new.keys())):
        days = _boundaries(old.rows_for(payer, code) + new.rows_for(payer, code))
        for start, after in zip(days, days[1:] + [None]):
            before, now = old.lookup(payer, code, start), new.lookup(payer, code, start)
            if _status(before) == _status(now):
                continue
            end = after - ONE_DAY if after else None
            last = out[-1] if out else None
            if last and (last["payer_id"], last["code"], last["old"], last["new"]) == (payer, code, _status(before), _status(now)) \
                    and last["to"] == (start - ONE_DAY).isoformat():
                last["to"] = end.isoformat() if end else None
                continue
            out.append({"payer_id": payer, "code": code, "from": start.isoformat(),
                        "to": end.isoformat() if end else None, "old": _status(before), "new": _status(now),
                        "old_row": before.as_dict() if before else None, "new_row": now.as_dict() if now else None})
    return out


def affected(change: dict, rows: Iterable[dict]) -> list[str]:
    """The worklist rows a change touches: same code, a date in its range, and the same payer when the row
    names one (a documentation row names none: it is on the claim of whichever payer)."""
    last = change["to"] or "9999-12-31"
    return [r["id"] for r in rows
            if change["code"] in (r.get("code"), r.get("expected"), r.get("suggested"))
            and change["from"] <= r.get("date_of_service", "") <= last
            and r.get("payer_id") in (None, "", change["payer_id"])]
