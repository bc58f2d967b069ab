"""Worklist renderers: CSV for the coder's spreadsheet, JSONL for machines, HTML for reading evidence.

The HTML page is one self-contained file (inline CSS and JS, no fetches) so it can be mailed or opened
from a share without a server. Note text is untrusted: it travels as JSON inside a non-executable
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and the page only ever puts it
into the DOM through ``textContent``.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Mapping, Optional

from cptscan.worklist.page import PAGE
from cptscan.worklist.rows import settings

CSV_COLUMNS = (
    "id", "priority", "chart_id", "date_of_service", "type", "code", "billed", "expected", "suggested",
    "missing", "action", "reason", "evidence_notes", "evidence_snippet", "decision", "corrected_code",
)
LIST_SEPARATOR = ";"


def _cell(value) -> str:
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return "" if value is None else str(value)


# A cell starting with one of these runs as a formula in a spreadsheet; a leading ' makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(text: str) -> str:
    """A cell starting with = + - @ would run as a formula in a spreadsheet; note text must not."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def render_csv(rows: Iterable[dict]) -> str:
    """The coder's sheet: the decision (accepted/rejected/edited) and corrected_code columns start empty."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _spreadsheet_safe(_cell(row.get(k))) for k in CSV_COLUMNS})
    return out.getvalue()


def render_jsonl(rows: Iterable[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def script_json(data) -> str:
    """JSON that cannot close its <script> element or open a comment, whatever the note text says."""
    text = json.dumps(data, ensure_ascii=False)
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _page_notes(rows: list[dict], notes: Mapping[str, dict]) -> dict[str, dict]:
    """Only the notes some row points at travel into the page."""
    wanted = {nid for row in rows for nid in row.get("evidence_notes") or ()}
    return {
        nid: {k: notes[nid].get(k) for k in ("text", "note_type", "date_of_service", "chart_id")}
        for nid in sorted(wanted) if nid in notes
    }


def render_html(rows: Iterable[dict], notes: Mapping[str, dict], advisories: Optional[list[dict]] = None,
                title: str = "cptscan coder worklist") -> str:
    """One HTML file: the findings table; a click (or ``#row=<id>``) shows the notes with marked evidence."""
    rows = list(rows)
    conf = settings()
    data = {
        "title": title,
        "rows": rows,
        "notes": _page_notes(rows, notes),
        "advisories": advisories or [],
        "colours": conf["label_colours"],
        "fallback": conf["fallback_colours"],
    }
    html_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    head, tail = PAGE.split("__DATA__")  # filled apart, so neither the title nor a note can inject a marker
    return head.replace("__TITLE__", html_title) + script_json(data) + tail
