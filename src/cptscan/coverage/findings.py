"""Coverage findings: per claim line (billed, or proposed by a finding), what the payer's policy says of
the code on that date and whether the record documents the verification the policy calls for.

``coverage_risk``: the payer does not cover the code (not covered, investigational) and no note of the chart
up to that date documents a coverage verification (benefits check, prior authorization or signed ABN);
``prior_auth_missing``: the payer requires prior authorization and none of them documents a completed one.
Notes before the date count because a verification precedes its service (an authorization obtained at the
visit that ordered the study); a coverage mention does not say which service it verified, so one in the
chart's earlier notes counts for any line, and the coder checks it.
``policy_unknown``: the table has no row for the payer and code on that date, or the line names no payer.
What documents a verification comes from the note results through the knowledge: the code's
``coverage_documented`` and the mentions whose label plays the role ``coverage`` (the assertions the catalog
counts for coverage), never a label name.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Iterable, Optional

from cptscan.catalog.catalog import Catalog, parse_date
from cptscan.coverage.table import PolicyRow, PolicyTable, statuses
from cptscan.knowledge import Knowledge

TYPES = ("prior_auth_missing", "coverage_risk", "policy_unknown")
# the findings whose code the claim will carry once the coder acts on it
PROPOSING = {"missed_opportunity": "code", "wrong_variant": "expected", "deleted_code": "suggested"}


def _coverage_mentions(knowledge: Knowledge, results: Iterable[dict]) -> list[tuple[str, dict]]:
    """(note id, mention) for every mention of a coverage-role label whose assertion counts for coverage."""
    labels, assertions = knowledge.labels("coverage"), knowledge.catalog.coverage_assertions
    return [(r.get("note_id"), m) for r in results for m in r.get("mentions") or ()
            if m.get("label") in labels and m.get("assertion", "affirmed") in assertions]


def _verified(verification: dict, mentions: list[tuple[str, dict]], results: Iterable[dict],
              family_codes: set[str]) -> bool:
    """Whether the notes document ``verification``: a coverage mention holding one of its words, or
    with no words any coverage mention or a code of the family whose ``coverage_documented`` is true (a
    gold-shaped line has no mentions)."""
    words = set(verification.get("words") or ())
    if words:
        return any(words & set(re.findall(r"[\w-]+", str(m.get("text", "")).lower())) for _, m in mentions)
    return bool(mentions) or any(c.get("coverage_documented") for r in results for c in r.get("codes") or ()
                                 if c.get("code") in family_codes)


def _lines(catalog: Catalog, day: dt.date, billed: list[tuple[str, Optional[str]]],
           findings: list[dict]) -> list[tuple[str, Optional[str], str]]:
    """(code, payer, how) for the catalog lines the claim of this date carries or will carry: billed codes in
    force, and the codes the findings propose under each payer any line of the date names (none: unknown)."""
    payers = sorted({p for _, p in billed if p}) or [None]
    out = [(code, payer, "billed") for code, payer in billed if code in catalog and catalog.is_effective(code, day)]
    for finding in findings:
        code = finding.get(PROPOSING.get(finding["type"], ""))
        if code and catalog.is_effective(code, day):
            out += [(code, payer, "proposed") for payer in payers]
    return list(dict.fromkeys(out))


def _finding(ftype: str, code: str, payer: Optional[str], date: str, how: str, row: Optional[PolicyRow],
             reason: str, evidence: list[dict]) -> dict:
    return {"type": ftype, "code": code, "date_of_service": date, "payer_id": payer, "line": how,
            "policy": row.as_dict() if row else None, "evidence": evidence, "reason": reason}


def coverage_findings(knowledge: Knowledge, table: PolicyTable, date: str, billed: list[tuple[str, Optional[str]]],
                      results: list[dict], findings: list[dict], evidence_for: Callable[[str], list[dict]]) -> list[dict]:
    """The coverage findings of one chart and date; ``billed`` is (code, payer id) per claim line of the
    date, ``results`` the chart's note results up to that date, ``findings`` the date's other findings (their
    proposed codes are checked too)."""
    catalog, meaning = knowledge.catalog, statuses()
    day = parse_date(date)
    mentions = _coverage_mentions(knowledge, results)
    out = []
    for code, payer, how in _lines(catalog, day, billed, findings):
        row = table.lookup(payer, code, day) if payer else None
        if row is None:
            why = (f"no row of {table.name} for payer {payer} and {code} on {date}" if payer
                   else f"no claim line of {date} names a payer, so the policy for {code} is unknown")
            out.append(_finding(meaning["no_policy_finding"], code, payer, date, how, None, why, evidence_for(code)))
            continue
        status = meaning["statuses"][row.status]
        if not status.get("finding"):
            continue
        family = {c for c in catalog.entries if catalog[c].family == catalog[code].family}
        verification = meaning["verifications"][status["verification"]]
        if _verified(verification, mentions, results, family):
            continue
        reason = (f"payer {payer} {status['reads_as']} {code} on {date} ({row.describe()}); "
                  f"no note of the chart up to {date} documents {verification['reads_as']}")
        out.append(_finding(status["finding"], code, payer, date, how, row, reason, evidence_for(code)))
    return out
