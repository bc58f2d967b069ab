"""A site's payer policy table: per payer and code, what the payer decided over a range of dates.

The table is the site's (payers publish and change their policies; cptscan ships none), as CSV or JSON
with the columns of ``COLUMNS`` (``docs/coverage.md``). The whole file is checked before any row is used: a
missing column, an unknown status or code, a bad date, or a range overlapping another of the same payer
and code refuses the file with a message naming the row, so reconcile never runs on half a table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from cptscan.catalog.catalog import Catalog

COLUMNS = ("payer_id", "code", "status", "effective_from", "effective_to", "source")
REQUIRED = ("payer_id", "code", "status", "effective_from", "source")


class PolicyError(ValueError):
    """A policy file cannot be used; the message names the file and the row."""


@lru_cache(maxsize=None)
def statuses() -> dict[str, Any]:
    """The statuses a row may have and what each asks of the record (``statuses.json``)."""
    return json.loads(resources.files(__package__).joinpath("statuses.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class PolicyRow:
    row: int  # 1-based position among the file's rows, as its messages and findings name it
    payer_id: str
    code: str
    status: str
    effective_from: dt.date
    effective_to: Optional[dt.date]
    source: str

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def overlaps(self, other: "PolicyRow") -> bool:
        far = dt.date.max
        return self.effective_from <= (other.effective_to or far) and other.effective_from <= (self.effective_to or far)

    def as_dict(self) -> dict:
        """The row as findings carry it: its fields and its row number, so a coder can find it in the file."""
        return {"row": self.row, "payer_id": self.payer_id, "code": self.code, "status": self.status,
                "effective_from": self.effective_from.isoformat(),
                "effective_to": self.effective_to.isoformat() if self.effective_to else None, "source": self.source}

    def describe(self) -> str:
        until = f" to {self.effective_to.isoformat()}" if self.effective_to else ""
        return f"policy row {self.row}: {self.status} from {self.effective_from.isoformat()}{until}; source: {self.source}"


class PolicyTable:
    """The rows of one policy file, looked up by payer, code and date of service."""

    def __init__(self, rows: list[PolicyRow], name: str = "policies"):
        self.rows = rows
        self.name = name
        self._by_key: dict[tuple[str, str], list[PolicyRow]] = {}
        for row in rows:
            self._by_key.setdefault((row.payer_id, row.code), []).append(row)

    def lookup(self, payer_id: str, code: str, day: dt.date) -> Optional[PolicyRow]:
        """The row in force for this payer and code on ``day`` (ranges never overlap, so at most one)."""
        return next((r for r in self._by_key.get((payer_id, code), ()) if r.in_force(day)), None)

    def keys(self) -> list[tuple[str, str]]:
        return sorted(self._by_key)

    def rows_for(self, payer_id: str, code: str) -> list[PolicyRow]:
        return sorted(self._by_key.get((payer_id, code), ()), key=lambda r: r.effective_from)


def _date(value: Any, column: str, where: str) -> Optional[dt.date]:
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PolicyError(f"{where}: {column} {text!r} is not a date (YYYY-MM-DD)") from None


def _row(number: int, raw: Any, catalog: Catalog, name: str) -> PolicyRow:
    where = f"{name}, row {number}"
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: a row must be an object with the columns {', '.join(COLUMNS)}")
    values = {k: ("" if raw.get(k) is None else str(raw.get(k)).strip()) for k in COLUMNS}
    missing = [k for k in REQUIRED if not values[k]]
    if missing:
        raise PolicyError(f"{where}: missing {', '.join(missing)}")
    known = statuses()["statuses"]
    if values["status"] not in known:
        raise PolicyError(f"{where}: unknown status {values['status']!r} (one of {', '.join(known)})")
    if values["code"] not in catalog:
        raise PolicyError(f"{where}: unknown code {values['code']!r} (not in the catalog in use)")
    start, end = _date(values["effective_from"], "effective_from", where), _date(values["effective_to"], "effective_to", where)
    if end is not None and end < start:
        raise PolicyError(f"{where}: effective_to {end.isoformat()} is before effective_from {start.isoformat()}")
    return PolicyRow(number, values["payer_id"], values["code"], values["status"], start, end, values["source"])


def parse_policies(records: Iterable[Any], catalog: Catalog, name: str = "policies") -> PolicyTable:
    """Checks every row, then that no two rows of one payer and code overlap; refuses the table otherwise."""
    rows = [_row(number, raw, catalog, name) for number, raw in enumerate(records, 1)]
    seen: dict[tuple[str, str], list[PolicyRow]] = {}
    for row in rows:
        for other in seen.setdefault((row.payer_id, row.code), []):
            if row.overlaps(other):
                raise PolicyError(f"{name}, row {row.row}: its dates overlap row {other.row} "
                                  f"(payer {row.payer_id}, code {row.code})")
        seen[(row.payer_id, row.code)].append(row)
    return PolicyTable(rows, name)


def _records(path: Path) -> list[Any]:
    """The rows of a CSV file (header line with the columns) or a JSON file (a list, or ``{"policies": [...]}``)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PolicyError(f"{path.name} is not valid JSON: {exc}") from None
        data = data.get("policies") if isinstance(data, dict) else data
        if not isinstance(data, list):
            raise PolicyError(f"{path.name}: expected a list of rows or {{\"policies\": [...]}}")
        return data
    reader = csv.DictReader(io.StringIO(text))
    absent = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
    if absent:
        raise PolicyError(f"{path.name}: the header lacks the columns {', '.join(absent)}")
    return list(reader)


def load_policies(path: Union[str, Path], catalog: Catalog) -> PolicyTable:
    """A site's policy file (``.csv`` or ``.json``), checked whole against ``catalog``."""
    path = Path(path)
    return parse_policies(_records(path), catalog, path.name)
