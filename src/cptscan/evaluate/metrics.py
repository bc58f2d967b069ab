"""Scores for cptscan output: note, span and chart level, bootstrap CIs and an error listing.

Plain functions on plain dicts (the JSONL lines of the corpus format), so that a results file can be
scored without the scanner and the figures can be reproduced by another tool from the rules in
``docs/evaluation.md``. Every P/R/F1 figure is a dict ``{precision, recall, f1, tp, fp, fn}``; a
ratio whose denominator is zero is 0.0 (scikit-learn's ``zero_division=0``), so a code that is
neither in gold nor predicted scores 0 rather than disappearing silently -- tables only list codes
that occur on either side.

Why the tallies are per note: the bootstrap resamples notes, so the per-note counts are kept and
summed; the totals and every resample then come from the same numbers.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, TypedDict, Union

import numpy as np

from cptscan.records import ASSERTIONS, BILLABLE_STATUS, CANDIDATE_STATUSES
from cptscan.rules import load_rules

Line = Mapping[str, Any]



class PRF(TypedDict):
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


class Agreement(TypedDict):
    accuracy: float
    correct: int
    total: int


def prf(tp: int, fp: int, fn: int) -> PRF:
    """Precision, recall and F1 from counts; 0.0 where a denominator is zero."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def agreement(correct: int, total: int) -> Agreement:
    return {"accuracy": correct / total if total else 0.0, "correct": correct, "total": total}


def _match(gold: Counter, pred: Counter) -> tuple[int, int, int]:
    """(tp, fp, fn) of two multisets: an item matches at most as often as it occurs on both sides."""
    tp = sum((gold & pred).values())
    return tp, sum(pred.values()) - tp, sum(gold.values()) - tp


def read_jsonl(path: Union[str, Path]) -> list[dict[str, Any]]:
    """All JSON objects of a JSONL file; blank lines are skipped."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def index_by(lines: Iterable[Line], key: str) -> dict[str, Line]:
    """Lines by ``key``; the first line of an id wins, lines whose id is null are dropped.

    A result line with ``note_id: null`` is an unreadable input line: it cannot be matched to gold.
    """
    out: dict[str, Line] = {}
    for line in lines:
        ident = line.get(key)
        if ident is not None and ident not in out:
            out[ident] = line
    return out


def candidate_codes(line: Optional[Line]) -> dict[str, Line]:
    """Code entries that count as predicted: status supported or documentation_gap, first per code."""
    out: dict[str, Line] = {}
    for entry in (line or {}).get("codes") or []:
        if entry.get("status") in CANDIDATE_STATUSES and entry.get("code") not in out:
            out[entry["code"]] = entry
    return out


def _any_status(line: Optional[Line], code: str) -> Optional[str]:
    for entry in (line or {}).get("codes") or []:
        if entry.get("code") == code:
            return entry.get("status")
    return None


# --------------------------------------------------------------------------------------------------
# note level


@dataclass
class NoteTally:
    """One note's counts: ``prf`` maps a metric key to (tp, fp, fn), ``agree`` to (correct, total).

    Keys: ``code``, ``code/<code>``, ``billable``, ``billable/<code>``, ``missing``,
    ``missing/<element>``, ``concepts``, ``concept/<label>``; agreement keys ``status``, ``coverage``.
    """

    note_id: str
    prf: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    agree: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, key: str, gold: Counter, pred: Counter) -> None:
        tp, fp, fn = _match(gold, pred)
        old = self.prf.get(key, (0, 0, 0))
        self.prf[key] = (old[0] + tp, old[1] + fp, old[2] + fn)


def tally_note(gold: Line, result: Optional[Line]) -> NoteTally:
    """Compare one gold line with its result line (None = the scanner predicted nothing)."""
    tally = NoteTally(str(gold["note_id"]))
    gold_codes = {e["code"]: e for e in gold.get("codes") or []}
    pred_codes = candidate_codes(result)

    tally.add("code", Counter(gold_codes.keys()), Counter(pred_codes.keys()))
    gold_bill = Counter(c for c, e in gold_codes.items() if e.get("status") == BILLABLE_STATUS)
    pred_bill = Counter(c for c, e in pred_codes.items() if e.get("status") == BILLABLE_STATUS)
    tally.add("billable", gold_bill, pred_bill)
    for code in set(gold_codes) | set(pred_codes):
        tally.add(f"code/{code}", Counter([code] * (code in gold_codes)), Counter([code] * (code in pred_codes)))
        tally.add(f"billable/{code}", Counter([code] * gold_bill[code]), Counter([code] * pred_bill[code]))

    status, coverage = [0, 0], [0, 0]
    for code in set(gold_codes) & set(pred_codes):
        g, p = gold_codes[code], pred_codes[code]
        status[0] += g.get("status") == p.get("status")
        status[1] += 1
        g_missing, p_missing = Counter(g.get("missing") or []), Counter(p.get("missing") or [])
        tally.add("missing", g_missing, p_missing)
        for element in set(g_missing) | set(p_missing):
            tally.add(f"missing/{element}", Counter([element] * g_missing[element]), Counter([element] * p_missing[element]))
        if g.get("coverage_documented") is not None:  # Category III only
            coverage[0] += g.get("coverage_documented") == p.get("coverage_documented")
            coverage[1] += 1
    tally.agree["status"] = (status[0], status[1])
    tally.agree["coverage"] = (coverage[0], coverage[1])

    gold_concepts = Counter(set(gold.get("concepts") or []))
    pred_concepts = Counter(set((result or {}).get("concepts") or []))
    tally.add("concepts", gold_concepts, pred_concepts)
    for label in set(gold_concepts) | set(pred_concepts):
        tally.add(f"concept/{label}", Counter([label] * gold_concepts[label]), Counter([label] * pred_concepts[label]))
    return tally


def tally_notes(gold_lines: Sequence[Line], result_lines: Iterable[Line]) -> list[NoteTally]:
    """One tally per gold note, in gold order; a note with no result line predicts nothing."""
    results = index_by(result_lines, "note_id")
    return [tally_note(g, results.get(g["note_id"])) for g in gold_lines]


def _sum_tallies(tallies: Sequence[NoteTally]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    prf_sum: dict[str, list[int]] = {}
    agree_sum: dict[str, list[int]] = {}
    for tally in tallies:
        for key, counts in tally.prf.items():
            acc = prf_sum.setdefault(key, [0, 0, 0])
            for i, n in enumerate(counts):
                acc[i] += n
        for key, counts in tally.agree.items():
            acc = agree_sum.setdefault(key, [0, 0])
            for i, n in enumerate(counts):
                acc[i] += n
    return prf_sum, agree_sum


def _per(prf_sum: Mapping[str, list[int]], prefix: str) -> dict[str, PRF]:
    return {k[len(prefix):]: prf(*v) for k, v in sorted(prf_sum.items()) if k.startswith(prefix)}


def note_level(gold_lines: Sequence[Line], result_lines: Iterable[Line]) -> dict[str, Any]:
    """Note-level figures: code, billable, status, missing elements, coverage, concepts."""
    result_lines = list(result_lines)
    tallies = tally_notes(gold_lines, result_lines)
    prf_sum, agree_sum = _sum_tallies(tallies)
    zero = [0, 0, 0]
    gold_ids = {g["note_id"] for g in gold_lines}
    results = index_by(result_lines, "note_id")
    return {
        "code": prf(*prf_sum.get("code", zero)),
        "per_code": _per(prf_sum, "code/"),
        "billable": prf(*prf_sum.get("billable", zero)),
        "billable_per_code": _per(prf_sum, "billable/"),
        "status": agreement(*agree_sum.get("status", [0, 0])),
        "missing": prf(*prf_sum.get("missing", zero)),
        "missing_per_element": _per(prf_sum, "missing/"),
        "coverage": agreement(*agree_sum.get("coverage", [0, 0])),
        "concepts": prf(*prf_sum.get("concepts", zero)),
        "per_concept": _per(prf_sum, "concept/"),
        "counts": {
            "notes": len(gold_lines),
            "notes_without_result": sum(1 for i in gold_ids if i not in results),
            "result_lines": len(result_lines),
            "result_errors": sum(1 for r in result_lines if r.get("error")),
            "results_not_in_gold": sum(1 for i in results if i not in gold_ids),
        },
    }


# --------------------------------------------------------------------------------------------------
# bootstrap

_BOOT_KEYS = ("code", "billable")


def _prf_arrays(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
        r = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
    return p, r, f


def bootstrap(tallies: Sequence[NoteTally], reps: int = 1000, seed: int = 0, alpha: float = 0.05) -> dict[str, Any]:
    """Percentile bootstrap CIs for code P/R/F1 and billable P/R/F1, resampling notes.

    Each replicate draws ``len(tallies)`` notes with replacement (``numpy.random.default_rng(seed)``),
    sums their (tp, fp, fn) and recomputes the figure; the interval is the ``alpha/2`` and
    ``1-alpha/2`` percentiles (numpy's default linear interpolation). Same seed, same intervals.
    """
    n = len(tallies)
    out: dict[str, Any] = {"reps": reps, "seed": seed, "level": 1 - alpha, "notes": n}
    if n == 0 or reps == 0:  # --reps 0 asks for point figures only
        return out
    counts = np.array([[t.prf.get(k, (0, 0, 0)) for k in _BOOT_KEYS] for t in tallies], dtype=float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(reps, n))
    sampled = counts[idx].sum(axis=1)  # (reps, len(_BOOT_KEYS), 3)
    point = counts.sum(axis=0)
    for k, key in enumerate(_BOOT_KEYS):
        arrays = _prf_arrays(sampled[:, k, :])
        estimates = _prf_arrays(point[k])
        for name, values, estimate in zip(("precision", "recall", "f1"), arrays, estimates):
            low, high = np.percentile(values, [100 * alpha / 2, 100 * (1 - alpha / 2)])
            out[f"{key}_{name}"] = {"estimate": float(estimate), "low": float(low), "high": float(high)}
    return out


# --------------------------------------------------------------------------------------------------
# error listing


def _evidence_text(entry: Line) -> str:
    return " | ".join(str(ev.get("text", "")) for ev in entry.get("evidence") or [] if ev.get("text"))


def note_errors(gold_lines: Sequence[Line], result_lines: Iterable[Line]) -> list[dict[str, Any]]:
    """Every code FP and FN, in gold order then code order, with the text a reviewer needs.

    FP evidence is the result's evidence texts for that code; FN evidence is the gold rationale.
    ``predicted_status`` on an FN shows a ``needs_review`` the scanner gave but that did not count.
    """
    results = index_by(result_lines, "note_id")
    errors: list[dict[str, Any]] = []
    for gold in gold_lines:
        result = results.get(gold["note_id"])
        gold_codes = {e["code"]: e for e in gold.get("codes") or []}
        pred_codes = candidate_codes(result)
        for code in sorted(set(gold_codes) ^ set(pred_codes)):
            if code in pred_codes:
                kind, evidence = "FP", _evidence_text(pred_codes[code])
                gold_status, pred_status = None, pred_codes[code].get("status")
            else:
                kind, evidence = "FN", str(gold.get("rationale") or "")
                gold_status, pred_status = gold_codes[code].get("status"), _any_status(result, code)
            errors.append({
                "kind": kind, "note_id": gold["note_id"], "code": code,
                "gold_status": gold_status, "predicted_status": pred_status, "evidence": evidence,
            })
    return errors


# --------------------------------------------------------------------------------------------------
# span level


def _span(s: Line) -> tuple[int, int, str, str]:
    return int(s["start"]), int(s["end"]), str(s["label"]), str(s.get("assertion") or "")


def match_overlapping(gold: Sequence[Line], pred: Sequence[Line]) -> list[tuple[int, int]]:
    """One-to-one greedy matching of same-label overlapping spans, largest overlap first.

    Candidate pairs are (gold i, pred j) with the same label and ``max(start) < min(end)``; they are
    taken in order of (-overlap length, gold start, gold end, pred start, pred end, i, j), skipping
    any pair whose gold or predicted span is already matched. Returns the (i, j) index pairs.
    """
    pairs = []
    for i, g in enumerate(map(_span, gold)):
        for j, p in enumerate(map(_span, pred)):
            overlap = min(g[1], p[1]) - max(g[0], p[0])
            if g[2] == p[2] and overlap > 0:
                pairs.append((-overlap, g[0], g[1], p[0], p[1], i, j))
    used_g: set[int] = set()
    used_p: set[int] = set()
    matched = []
    for *_, i, j in sorted(pairs):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            matched.append((i, j))
    return matched


def span_level(
    gold_lines: Sequence[Line], result_lines: Iterable[Line], labels: Optional[Sequence[str]] = None
) -> Optional[dict[str, Any]]:
    """Exact and overlapping span P/R/F1 per label, and the assertion confusion matrix.

    Only notes whose gold line has a ``spans`` key take part (None if there are none). Predicted
    spans are the result's ``mentions`` whose label is in ``labels`` (default: the concept labels gold
    annotates, from the rule data's roles), whatever their assertion: location is scored here, assertion
    separately in the confusion matrix.
    """
    notes = [g for g in gold_lines if "spans" in g]
    if not notes:
        return None
    results = index_by(result_lines, "note_id")
    allowed = set(labels if labels is not None else load_rules().concept_labels)
    exact: dict[str, list[int]] = {}
    overlap: dict[str, list[int]] = {}
    assertion_names = list(ASSERTIONS)
    confusion: Counter = Counter()

    def bump(table: dict[str, list[int]], label: str, tp: int, fp: int, fn: int) -> None:
        acc = table.setdefault(label, [0, 0, 0])
        acc[0] += tp
        acc[1] += fp
        acc[2] += fn

    for gold in notes:
        g_spans = [s for s in gold["spans"] if s.get("label") in allowed]
        p_spans = [m for m in (results.get(gold["note_id"]) or {}).get("mentions") or [] if m.get("label") in allowed]
        for label in {s["label"] for s in g_spans} | {s["label"] for s in p_spans}:
            g_l = [s for s in g_spans if s["label"] == label]
            p_l = [s for s in p_spans if s["label"] == label]
            bump(exact, label, *_match(Counter(_span(s)[:3] for s in g_l), Counter(_span(s)[:3] for s in p_l)))
            matched = match_overlapping(g_l, p_l)
            bump(overlap, label, len(matched), len(p_l) - len(matched), len(g_l) - len(matched))
            for i, j in matched:
                key = (_span(g_l[i])[3], _span(p_l[j])[3])
                confusion[key] += 1
                assertion_names += [a for a in key if a not in assertion_names]

    def total(table: dict[str, list[int]]) -> PRF:
        return prf(*(sum(v[k] for v in table.values()) for k in range(3)))

    matrix = [[confusion[(g, p)] for p in assertion_names] for g in assertion_names]
    agree = sum(confusion[(a, a)] for a in assertion_names)
    return {
        "notes": len(notes),
        "exact": total(exact),
        "overlap": total(overlap),
        "exact_per_label": {k: prf(*v) for k, v in sorted(exact.items())},
        "overlap_per_label": {k: prf(*v) for k, v in sorted(overlap.items())},
        "assertion": {
            "labels": assertion_names,
            "matrix": matrix,  # rows: gold assertion, columns: predicted assertion
            **agreement(agree, sum(confusion.values())),
        },
    }


# --------------------------------------------------------------------------------------------------
# chart level

FindingKey = tuple[str, str, Optional[str], Optional[str], Optional[str], Optional[str]]


def finding_key(chart_id: str, finding: Line) -> FindingKey:
    """(chart_id, type, code, billed, expected, date_of_service): what makes two findings the same.

    ``code`` is null for wrong_variant, ``billed``/``expected`` are null for every other type;
    ``suggested``, ``evidence`` and ``reason`` do not take part.
    """
    if finding.get("type") == "wrong_variant" or "billed" in finding or "expected" in finding:
        return (chart_id, finding.get("type"), None, finding.get("billed"), finding.get("expected"),
                finding.get("date_of_service"))
    return (chart_id, finding.get("type"), finding.get("code"), None, None, finding.get("date_of_service"))


def _findings(lines: Iterable[Line], charts: set[str]) -> Counter:
    keys: Counter = Counter()
    for line in lines:
        if line.get("chart_id") in charts:
            keys.update(finding_key(line["chart_id"], f) for f in line.get("findings") or [])
    return keys


def chart_level(
    chart_gold: Sequence[Line], findings: Sequence[Line], claims: Optional[Sequence[Line]] = None
) -> dict[str, Any]:
    """Finding P/R/F1 overall and per type, matching on :func:`finding_key` (multiset).

    Scored charts are those in chart_gold plus, if given, those in claims (a claimed chart absent
    from chart_gold is expected to have no findings). Predicted findings of other charts are not
    scored; their chart count is reported as ``unscored_charts``.
    """
    charts = {g["chart_id"] for g in chart_gold} | {c["chart_id"] for c in claims or []}
    gold, pred = _findings(chart_gold, charts), _findings(findings, charts)
    per_type = {}
    for ftype in sorted({k[1] for k in gold} | {k[1] for k in pred}):
        per_type[ftype] = prf(*_match(
            Counter({k: n for k, n in gold.items() if k[1] == ftype}),
            Counter({k: n for k, n in pred.items() if k[1] == ftype}),
        ))
    unscored = {f.get("chart_id") for f in findings if f.get("chart_id") not in charts and f.get("findings")}
    return {
        "charts": len(charts),
        "findings": prf(*_match(gold, pred)),
        "per_type": per_type,
        "unscored_charts": len(unscored),
    }


def chart_errors(chart_gold: Sequence[Line], findings: Sequence[Line], claims: Optional[Sequence[Line]] = None) -> list[dict[str, Any]]:
    """Every FP and FN finding, with the predicted ``reason`` for FPs."""
    charts = {g["chart_id"] for g in chart_gold} | {c["chart_id"] for c in claims or []}
    gold, pred = _findings(chart_gold, charts), _findings(findings, charts)
    reasons = {finding_key(line["chart_id"], f): f.get("reason", "")
               for line in findings if line.get("chart_id") in charts for f in line.get("findings") or []}
    names = ("chart_id", "type", "code", "billed", "expected", "date_of_service")
    out = []
    for kind, keys in (("FP", pred - gold), ("FN", gold - pred)):
        for key in sorted(keys.elements(), key=lambda k: tuple(str(x) for x in k)):
            out.append({"kind": kind, **dict(zip(names, key)), "reason": reasons.get(key, "") if kind == "FP" else ""})
    return out


# --------------------------------------------------------------------------------------------------
# everything at once


def evaluate(
    gold_lines: Sequence[Line],
    result_lines: Iterable[Line],
    *,
    chart_gold: Optional[Sequence[Line]] = None,
    findings: Optional[Sequence[Line]] = None,
    claims: Optional[Sequence[Line]] = None,
    reps: int = 1000,
    seed: int = 0,
    spans_skipped: Optional[str] = None,
) -> dict[str, Any]:
    """The whole report as one JSON-ready dict (the document behind ``cptscan evaluate --json``).

    Top-level keys: the note-level keys of :func:`note_level` (``code`` is the micro code figure),
    ``spans`` (:func:`span_level` or null), ``spans_skipped`` (null, or why spans were not scored: the
    notes were re-rendered with other offsets than gold's, and a figure would be wrong rather than
    low), ``chart`` (:func:`chart_level`, null without chart_gold and findings), ``bootstrap``,
    ``errors`` and ``chart_errors``.
    """
    result_lines = list(result_lines)
    report = note_level(gold_lines, result_lines)
    report["spans"] = span_level(gold_lines, result_lines) if spans_skipped is None else None
    report["spans_skipped"] = spans_skipped
    report["bootstrap"] = bootstrap(tally_notes(gold_lines, result_lines), reps=reps, seed=seed)
    report["errors"] = note_errors(gold_lines, result_lines)
    if chart_gold is not None and findings is not None:
        report["chart"] = chart_level(chart_gold, findings, claims)
        report["chart_errors"] = chart_errors(chart_gold, findings, claims)
    else:
        report["chart"] = None
        report["chart_errors"] = []
    return report
