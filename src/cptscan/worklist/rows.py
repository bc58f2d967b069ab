"""Worklist rows: one row per chart finding, ordered so a coder clears compliance risk first.

Priorities and action wording live in ``worklist.json`` so a coding team can reword or reorder them
without touching code; code facts (effective dates, predecessors) come from the catalog.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping, Optional

from cptscan.catalog.catalog import Catalog, load_catalog
from cptscan.knowledge import Knowledge
from cptscan.queries import finding_draft, query_templates

DECISIONS = ("accepted", "rejected", "edited")
COVERAGE_FIELDS = ("payer_id", "policy")  # carried by coverage findings only


@lru_cache(maxsize=None)
def settings() -> dict[str, Any]:
    """The packaged worklist settings (priorities, action templates, label colours)."""
    return json.loads(resources.files(__package__).joinpath("worklist.json").read_text(encoding="utf-8"))


def finding_code(finding: dict) -> str:
    """The code a finding is about; a wrong variant is about the pair, written billed>expected."""
    if finding.get("type") == "wrong_variant":
        return f"{finding.get('billed')}>{finding.get('expected')}"
    return str(finding.get("code") or "")


def row_id(chart_id: str, finding: dict) -> str:
    """Stable across runs: the same chart, type, code and date (and payer, for a coverage finding) give the
    same id, so answers carry over."""
    parts = (str(chart_id), finding["type"], finding_code(finding), finding["date_of_service"])
    key = "|".join(parts + ((str(finding["payer_id"]),) if "payer_id" in finding else ()))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def _action_key(finding: dict, catalog: Catalog) -> str:
    ftype = finding["type"]
    if ftype == "deleted_code" and not finding.get("suggested"):
        return "deleted_code+no_replacement"
    if finding.get("missing"):
        return f"{ftype}+missing"
    code = finding.get("code")
    if ftype == "missed_opportunity" and code in catalog and not catalog.is_effective(code, finding["date_of_service"]):
        return "missed_opportunity+not_yet_effective"
    return ftype


def action(finding: dict, catalog: Catalog) -> str:
    """The coder's next step, from the template for the finding's type and situation."""
    templates = settings()["actions"]
    key = _action_key(finding, catalog)
    template = templates.get(key, templates[finding["type"]])
    code = finding.get("code") or finding.get("billed")
    entry = catalog[code] if code in catalog else None
    return template.format(
        code=code or "",
        billed=finding.get("billed") or "",
        expected=finding.get("expected") or "",
        suggested=finding.get("suggested") or "",
        missing=" and ".join(finding.get("missing") or ()),
        effective_from=entry.effective_from.isoformat() if entry else "",
        predecessors="/".join(entry.replaces) if entry and entry.replaces else "the code then in force",
    )


def snippet(finding: dict, limit: Optional[int] = None) -> str:
    """The evidence texts of a finding joined, cut to a length a spreadsheet cell can show."""
    limit = limit or settings()["snippet_chars"]
    texts = [s["text"] for ev in finding.get("evidence") or () for s in ev.get("spans") or () if s.get("text")]
    text = " … ".join(" ".join(t.split()) for t in texts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _query_draft(finding: dict, chart_id: str, knowledge: Optional[Knowledge], templates,
                 texts: Optional[Mapping[str, str]]) -> dict:
    """``{"query_draft": text}`` for a row a gap drives (missing elements), given the knowledge; else nothing."""
    made = finding_draft(finding, templates, knowledge, chart_id, texts) if knowledge is not None else None
    return {"query_draft": made["text"]} if made else {}


def build_rows(charts: Iterable[dict], catalog: Optional[Catalog] = None, knowledge: Optional[Knowledge] = None,
               texts: Optional[Mapping[str, str]] = None) -> list[dict]:
    """Rows from reconcile output (``{chart_id, findings}`` lines), most urgent first; with ``knowledge``
    (its query wording), each row a documentation gap drives carries a query draft to the physician, quoting
    whole sentences when ``texts`` (note id -> text) are given."""
    catalog = catalog or load_catalog()
    priority = {**settings()["priority"], **settings()["coverage_priority"]}
    templates = query_templates(knowledge) if knowledge is not None else None
    rows = []
    for chart in charts:
        for finding in chart.get("findings") or ():
            rows.append({
                "id": row_id(chart["chart_id"], finding),
                "priority": priority[finding["type"]],
                "chart_id": chart["chart_id"],
                "date_of_service": finding["date_of_service"],
                "type": finding["type"],
                "code": finding.get("code") or finding.get("billed") or "",
                "billed": finding.get("billed") or "",
                "expected": finding.get("expected") or "",
                "suggested": finding.get("suggested") or "",
                "missing": list(finding.get("missing") or ()),
                "action": action(finding, catalog),
                "reason": finding.get("reason", ""),
                "evidence_notes": [ev["note_id"] for ev in finding.get("evidence") or () if ev.get("note_id")],
                "evidence_snippet": snippet(finding),
                "evidence": finding.get("evidence") or [],
                **{k: finding[k] for k in COVERAGE_FIELDS if k in finding},
                **_query_draft(finding, chart["chart_id"], knowledge, templates, texts),
                "decision": "",
                "corrected_code": "",
            })
    return sorted(rows, key=lambda r: (r["priority"], r["chart_id"], r["date_of_service"], r["code"], r["id"]))


def advisories(charts: Iterable[dict]) -> list[dict]:
    """The advisories of every chart, flattened with their chart id (shown apart from the findings)."""
    return [{"chart_id": c["chart_id"], **a} for c in charts for a in c.get("advisories") or ()]
