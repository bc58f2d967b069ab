"""Hand-made result lines and claims for the reconcile tests (the corpus-format shapes, nothing more)."""

from __future__ import annotations

ALL = ("input", "process", "interpretation")


def code(code: str, missing=(), status=None, start=0, label="CCTA_PLAQUE_ANALYSIS") -> dict:
    """A result code entry with its element booleans derived from ``missing``."""
    missing = list(missing)
    return {
        "code": code,
        "status": status or ("documentation_gap" if missing else "supported"),
        "missing": missing,
        "coverage_documented": None,
        "confidence": 0.9,
        "elements": {e: e not in missing for e in ALL},
        "evidence": [{"start": start, "end": start + 5, "label": label, "text": "xxxxx", "assertion": "affirmed"}],
    }


def mention(label: str, assertion: str = "affirmed", start: int = 0) -> dict:
    return {"start": start, "end": start + 4, "label": label, "text": "yyyy", "assertion": assertion}


def result(note_id, chart, date, codes=(), concepts=(), mentions=(), note_type="radiology_report") -> dict:
    return {"note_id": note_id, "chart_id": chart, "date_of_service": date, "note_type": note_type,
            "codes": list(codes), "concepts": list(concepts), "mentions": list(mentions), "error": None}


def claim(chart, *lines) -> dict:
    """``claim("C1", ("75577", "2026-02-03"), ...)``."""
    return {"chart_id": chart, "lines": [{"code": c, "date_of_service": d} for c, d in lines]}


def keys(charts) -> set[tuple]:
    """(chart, type, code-or-billed>expected, date) of every finding, for compact assertions."""
    out = set()
    for chart in charts:
        for f in chart["findings"]:
            code = f.get("code") or f"{f['billed']}>{f['expected']}"
            out.add((chart["chart_id"], f["type"], code, f["date_of_service"]))
    return out
