"""Worklist renderers: CSV for the coder's spreadsheet, JSONL for machines, HTML to work the list in.

The HTML page is one self-contained file (inline CSS and JS, no fetches) so it can be mailed or opened
from a share without a server; its answers export as the same CSV. Note text is untrusted: it travels as JSON inside a non-executable
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and the page only ever puts it
into the DOM through ``textContent``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Iterable, Mapping, Optional

from cptscan.knowledge import Knowledge, load_knowledge
from cptscan.worklist.decisions import corrections
from cptscan.worklist.page import page
from cptscan.worklist.rows import settings

CSV_COLUMNS = (
    "id", "priority", "chart_id", "date_of_service", "type", "code", "billed", "expected", "suggested",
    "missing", "action", "reason", "evidence_notes", "evidence_snippet", "payer_id", "query_draft", "decision",
    "corrected_code", "comment",
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
    """The coder's sheet: the decision (accepted/rejected/edited), corrected_code and comment columns start empty."""
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


def content_hash(rows: list[dict]) -> str:
    """Names one worklist's content: the page keeps its decisions under it, the service checks posts by it."""
    text = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def page_data(rows: Iterable[dict], notes: Mapping[str, dict], advisories: Optional[list[dict]] = None,
              title: str = "cptscan coder worklist", knowledge: Optional[Knowledge] = None) -> dict:
    """Everything the page shows and checks: rows, their notes, and the codes an edit of each row may pick
    (from ``knowledge``'s catalog; label colours from its rule data)."""
    rows = list(rows)
    knowledge = knowledge or load_knowledge()
    catalog = knowledge.catalog
    conf = settings()
    return {
        "title": title,
        "hash": content_hash(rows),
        "rows": rows,
        "notes": _page_notes(rows, notes),
        "advisories": advisories or [],
        "colours": {label: spec["colour"] for label, spec in knowledge.rules.labels.items() if "colour" in spec},
        "fallback": conf["fallback_colours"],
        "columns": list(CSV_COLUMNS),
        "codes": sorted(catalog.entries),
        "corrections": {row["id"]: corrections(row, catalog) for row in rows},
    }


def render_page(data: dict, post_url: Optional[str] = None) -> str:
    """The page for ``page_data``; with ``post_url`` (when served) it also posts each decision there."""
    title = str(data.get("title", ""))
    html_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return page(html_title, script_json({**data, "post": post_url}), post_url)


def render_html(rows: Iterable[dict], notes: Mapping[str, dict], advisories: Optional[list[dict]] = None,
                title: str = "cptscan coder worklist", knowledge: Optional[Knowledge] = None) -> str:
    """One HTML file to work the worklist in: sort, filter, decide each row, export the answers."""
    return render_page(page_data(rows, notes, advisories, title, knowledge))


def read_page_data(html: str) -> dict:
    """The data of a page ``render_html`` wrote, so ``cptscan serve`` can serve the same worklist."""
    marker = '<script type="application/json" id="data">'
    start = html.find(marker)
    end = html.find("</script>", start)
    if start < 0 or end < 0:
        raise ValueError("not a cptscan worklist page: no worklist data in it")
    data = json.loads(html[start + len(marker):end])
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list) or "hash" not in data:
        raise ValueError("not a cptscan worklist page: its data has no rows")
    return data
