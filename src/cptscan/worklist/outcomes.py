"""What coders decided on a worklist: acceptance rates per code and finding type, and gold for evaluation.

An answered worklist is the cheapest chart-level gold a site will ever get: every accepted row is a
confirmed finding, every edited row a finding with the coder's code, every rejected row a false alarm.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Optional, Union

from cptscan.claims import ClaimLineError, parse_code
from cptscan.worklist.render import FORMULA_STARTS
from cptscan.worklist.rows import DECISIONS


def _rows(handle: io.TextIOBase) -> list[dict]:
    """The rows under the header, split on the header's delimiter: a spreadsheet set to a European locale
    saves CSV with ';' (and some with tabs), and the worklist header holds many of whichever it is."""
    header = handle.readline()
    delimiter = max(",;\t", key=header.count)
    return list(csv.DictReader(itertools.chain([header], handle), delimiter=delimiter))


class AnswerError(ValueError):
    """Answers that cannot be counted as they are; the message names every such row."""


def _unprotected(cell: Optional[str]) -> str:
    """A cell as it was before ``render_csv`` put a ' before a leading = + - @ (spreadsheet protection)."""
    cell = cell or ""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS else cell


def _problem(row: dict) -> Optional[str]:
    """Why a row's answer cannot be counted, or None; a typo must not pass as 'unanswered'."""
    if row["decision"] and row["decision"] not in DECISIONS:
        return f"decision {row['decision'][:20]!r} is not one of {', '.join(DECISIONS)} (or blank: unanswered)"
    if row["decision"] == "edited":
        if not row["corrected_code"]:
            return "edited, but corrected_code is empty: give the code the finding should have"
        try:
            row["corrected_code"] = parse_code(row["corrected_code"])[0]
        except ClaimLineError as exc:
            return f"corrected_code: {exc}"
    return None


def _checked(rows: Iterable[tuple[int, dict]]) -> list[dict]:
    """Rows with cells as the worklist wrote them, decisions in lower case, blanks meaning unanswered.
    Raises AnswerError naming each row (by its line in the file, id and chart) it cannot count."""
    out, problems = [], []
    for line, row in rows:
        for key, value in row.items():
            row[key] = _unprotected(value) if isinstance(value, str) else value
        row["decision"] = (row.get("decision") or "").strip().lower()
        row["corrected_code"] = (row.get("corrected_code") or "").strip()
        problem = _problem(row)
        if problem:
            problems.append(f"line {line} (id {row.get('id') or '?'}, chart {row.get('chart_id')}): {problem}")
        out.append(row)
    if problems:
        raise AnswerError("; ".join(problems))
    return out


def read_csv(source: Union[str, Path, io.TextIOBase]) -> list[dict]:
    """Rows of an answered worklist CSV (filled in a spreadsheet or exported from the worklist page)."""
    if isinstance(source, (str, Path)):
        with open(source, newline="", encoding="utf-8-sig") as handle:
            rows = _rows(handle)
    else:
        rows = _rows(source)
    return _checked(enumerate(rows, start=2))


def read_jsonl(path: Union[str, Path]) -> list[dict]:
    """Rows of the page's JSONL export, or of the outcomes file ``cptscan serve`` appends decisions to:
    a row decided more than once counts with its last decision. A bad line is named by its number only."""
    latest: dict[str, tuple[int, dict]] = {}
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                raise AnswerError(f"line {number} is not JSON") from None
            if not isinstance(row, dict) or not row.get("id"):
                raise AnswerError(f"line {number} is not a worklist row with an id")
            latest.pop(row["id"], None)
            latest[row["id"]] = (number, row)
    return _checked(latest.values())


def read_answers(path: Union[str, Path]) -> list[dict]:
    """An answered worklist by its file name: JSONL (``.jsonl``, ``.ndjson``) or CSV."""
    return read_jsonl(path) if Path(path).suffix.lower() in (".jsonl", ".ndjson") else read_csv(path)


def _rates(counts: Counter) -> dict:
    answered = sum(counts[d] for d in DECISIONS)
    out = {"rows": sum(counts.values()), "answered": answered}
    for d in DECISIONS:
        out[d] = counts[d]
        out[f"{d}_rate"] = counts[d] / answered if answered else None
    return out


def rates(rows: Iterable[dict]) -> dict:
    """Acceptance, rejection and edit counts and rates (over answered rows): overall, per type, per code,
    and per (code, type). Decisions other than accepted/rejected/edited count as ``invalid``."""
    groups: dict[str, dict[str, Counter]] = {"overall": defaultdict(Counter), "type": defaultdict(Counter),
                                             "code": defaultdict(Counter), "code_type": defaultdict(Counter)}
    invalid = 0
    for row in rows:
        decision = row.get("decision") or "unanswered"
        if decision not in DECISIONS and decision != "unanswered":
            invalid += 1
            decision = "invalid"
        code = row.get("code") or ""
        for group, key in (("overall", "all"), ("type", row.get("type")), ("code", code),
                           ("code_type", f"{code} {row.get('type')}")):
            groups[group][key][decision] += 1
    out = {group: {k: _rates(c) for k, c in sorted(keyed.items())} for group, keyed in groups.items()}
    out["overall"] = out["overall"].get("all", _rates(Counter()))
    out["invalid"] = invalid
    return out


def _gold_finding(row: dict) -> dict:
    """The finding a coder confirmed; an edit replaces the code the finding proposes."""
    ftype, fix = row["type"], row["corrected_code"] if row["decision"] == "edited" else ""
    finding = {"type": ftype, "date_of_service": row["date_of_service"]}
    if ftype == "wrong_variant":
        finding.update(billed=row["billed"], expected=fix or row["expected"])
    elif ftype == "deleted_code":
        finding.update(code=row["code"], suggested=fix or row["suggested"] or None)
    else:
        finding["code"] = fix or row["code"]
    return finding


def to_gold(rows: Iterable[dict]) -> list[dict]:
    """chart_gold lines from answered rows: accepted and edited rows are findings, rejected rows are not.

    A chart whose rows were all rejected becomes a chart with no findings; a chart with an unanswered
    row is left out, since its gold is not known yet.
    """
    charts: dict[str, list[dict]] = defaultdict(list)
    pending: set[str] = set()
    for row in rows:
        charts[row["chart_id"]]
        if row["decision"] not in DECISIONS:
            pending.add(row["chart_id"])
        elif row["decision"] != "rejected":
            charts[row["chart_id"]].append(_gold_finding(row))
    return [{"chart_id": c, "findings": f} for c, f in sorted(charts.items()) if c not in pending]


def rates_table(report: dict):
    """The rates as a table a coding lead reads: one row overall, then per finding type and per code."""
    from rich.table import Table

    table = Table(title="worklist outcomes (rates over answered rows)")
    for column in ("group", "rows", "answered", *DECISIONS, "accepted rate"):
        table.add_column(column, justify="left" if column == "group" else "right")
    groups = [("overall", report["overall"])]
    groups += [(f"type {k}", v) for k, v in report["type"].items()]
    groups += [(f"code {k}", v) for k, v in report["code"].items()]
    for name, counts in groups:
        rate = counts["accepted_rate"]
        table.add_row(name, str(counts["rows"]), str(counts["answered"]), *(str(counts[d]) for d in DECISIONS),
                      "-" if rate is None else f"{rate:.0%}")
    return table
