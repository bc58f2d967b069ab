"""Chart reconciliation: what the notes of one chart and date of service document, against what was billed.

The note level judges each note alone; the claim is billed per chart and date of service, so this module
combines the notes of one date (a radiology report and the clinic note that interprets it, an addendum
that completes or withdraws its report) and compares the combined documentation with the claim lines of
that date. The rules are ``../shared/spec/coding-rules.md`` ("Chart-level findings" and "Conventions");
every code fact (families, variants, effective dates, replacements, add-on primaries) is read from the
catalog so that next year's codes need a catalog edit, not a code edit. Given a site's payer policy table,
each date also gets the coverage findings of ``coverage.findings``; without one the output is what it was
before policy tables existed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from cptscan.catalog.catalog import Catalog, parse_date
from cptscan.claims import group_claims
from cptscan.coverage.findings import TYPES as COVERAGE_TYPES
from cptscan.coverage.findings import coverage_findings
from cptscan.coverage.table import PolicyTable
from cptscan.knowledge import Knowledge, load_knowledge
from cptscan.records import CANDIDATE_STATUSES, FINDING_TYPES

ORDER = FINDING_TYPES + COVERAGE_TYPES


# ---------------------------------------------------------------------------------------------- documentation


@dataclass
class FamilyDoc:
    """One service family as documented across the notes of one chart and date of service."""

    family: str
    codes: set[str] = field(default_factory=set)
    elements: dict[str, bool] = field(default_factory=dict)
    evidence: dict[str, list[dict]] = field(default_factory=dict)  # note_id -> spans
    withdrawn_by: list[str] = field(default_factory=list)

    def missing(self, element_names: Iterable[str]) -> list[str]:
        return [e for e in element_names if not self.elements.get(e)]


@dataclass
class DateDoc:
    """The documentation of one chart on one date of service, after combining and withdrawals."""

    date: str
    note_ids: list[str] = field(default_factory=list)
    families: dict[str, FamilyDoc] = field(default_factory=dict)
    withdrawn: dict[str, FamilyDoc] = field(default_factory=dict)
    concepts: dict[str, list[str]] = field(default_factory=dict)  # affirmed concept -> note ids
    concept_spans: dict[str, dict[str, list[dict]]] = field(default_factory=dict)


def _span(ev: dict) -> dict:
    """The part of an evidence record a finding keeps: where it is, what it is, and why (the rule that
    matched it and the cues behind its assertion, which the worklist page shows the coder)."""
    return {k: ev[k] for k in ("start", "end", "label", "text", "assertion", "rule", "modifiers") if k in ev}


def _code_elements(code: dict, element_names: Iterable[str]) -> dict[str, bool]:
    """A result's element booleans; a gold-shaped line (only ``missing``) is read the same way."""
    if isinstance(code.get("elements"), dict):
        return {e: bool(code["elements"].get(e)) for e in element_names}
    missing = set(code.get("missing") or ())
    return {e: e not in missing for e in element_names}


def _add_code(doc: DateDoc, catalog: Catalog, note_id: str, code: dict) -> None:
    fam = catalog[code["code"]].family
    fd = doc.families.setdefault(fam, FamilyDoc(fam, elements={e: False for e in catalog.elements}))
    fd.codes.add(code["code"])
    for name, present in _code_elements(code, catalog.elements).items():
        fd.elements[name] = fd.elements[name] or present
    spans = fd.evidence.setdefault(note_id, [])
    spans.extend(_span(ev) for ev in code.get("evidence") or ())


def _withdrawn_families(result: dict, catalog: Catalog, families_on_date: Iterable[str]) -> set[str]:
    """Which services a withdrawing note takes back: those it names, else every service of its date.

    A note names a service by carrying its code or mentioning its service concept in any assertion
    ("the CaRi-Heart result above was issued in error"); an addendum that only says "report issued in
    error, wrong patient" takes back everything its date documents.
    """
    named = {catalog[c["code"]].family for c in result.get("codes") or () if c.get("code") in catalog}
    for mention in result.get("mentions") or ():
        for entry in catalog.for_concept(mention.get("label", "")):
            named.add(entry.family)
    return named or set(families_on_date)


def _withdraws(result: dict, withdrawal_labels: frozenset[str]) -> bool:
    """Whether a note takes a result back: an affirmed mention of a label whose role is withdrawal."""
    return any(
        m.get("label") in withdrawal_labels and m.get("assertion", "affirmed") == "affirmed"
        for m in result.get("mentions") or ()
    )


def document_date(date: str, results: list[dict], knowledge: Knowledge) -> DateDoc:
    """Combines the notes of one chart and date: per family the union of elements, then withdrawals."""
    catalog, withdrawal_labels = knowledge.catalog, knowledge.labels("withdrawal")
    doc = DateDoc(date)
    for result in results:
        note_id = result.get("note_id")
        doc.note_ids.append(note_id)
        for concept in result.get("concepts") or ():
            doc.concepts.setdefault(concept, []).append(note_id)
        for mention in result.get("mentions") or ():
            if mention.get("assertion", "affirmed") == "affirmed":
                spans = doc.concept_spans.setdefault(mention.get("label"), {})
                spans.setdefault(note_id, []).append(_span(mention))
        for code in result.get("codes") or ():
            if code.get("code") in catalog and code.get("status") in CANDIDATE_STATUSES:
                _add_code(doc, catalog, note_id, code)
    for result in results:
        if _withdraws(result, withdrawal_labels):
            for fam in _withdrawn_families(result, catalog, doc.families):
                if fam in doc.families:
                    doc.withdrawn[fam] = doc.families.pop(fam)
                doc.withdrawn.setdefault(fam, FamilyDoc(fam)).withdrawn_by.append(result.get("note_id"))
    return doc


def expected_variant(catalog: Catalog, family: str, doc: DateDoc) -> str:
    """The variant the concepts affirmed in any note of the date call for (as the scanner chooses it)."""
    concept = next(e.service_concept for e in catalog.detectable() if e.family == family)
    return catalog.variant_for(concept, doc.concepts).code


# ---------------------------------------------------------------------------------------------- findings


def _evidence(spans_by_note: dict[str, list[dict]]) -> list[dict]:
    return [{"note_id": nid, "spans": spans} for nid, spans in spans_by_note.items()]


def _date_notes(doc: Optional[DateDoc]) -> list[dict]:
    """Evidence for a claim line no note supports: the notes of its date, so the coder knows where to look."""
    return [{"note_id": nid, "spans": []} for nid in (doc.note_ids if doc else [])]


def _service_evidence(catalog: Catalog, code: str, doc: Optional[DateDoc]) -> list[dict]:
    """The spans documenting ``code``'s service on the date, else the date's notes."""
    fd = doc.families.get(catalog[code].family) if doc else None
    return _evidence(fd.evidence) if fd else _date_notes(doc)


def _finding(ftype: str, date: str, reason: str, evidence: list[dict], **keys: Any) -> dict:
    return {"type": ftype, **keys, "date_of_service": date, "evidence": evidence, "reason": reason}


def _effective_state(catalog: Catalog, code: str, date: str) -> str:
    """'effective', 'not_yet' (before effective_from) or 'deleted' (after effective_to)."""
    entry, day = catalog[code], parse_date(date)
    if day < entry.effective_from:
        return "not_yet"
    if entry.effective_to is not None and day > entry.effective_to:
        return "deleted"
    return "effective"


def _gap_reason(code: str, date: str, fd: Optional[FamilyDoc], doc: Optional[DateDoc], required: tuple[str, ...],
                family: str) -> str:
    if fd is None and doc is not None and family in doc.withdrawn:
        by = ", ".join(n for n in doc.withdrawn[family].withdrawn_by if n)
        return f"{code} billed on {date}, but the result was withdrawn ({by})"
    if fd is None:
        return f"{code} billed on {date}, but no note of that date documents the service"
    missing = ", ".join(fd.missing(required))
    return f"{code} billed on {date}, but the documentation lacks: {missing} (query the provider)"


def _line_findings(catalog: Catalog, date: str, billed: list[str], doc: Optional[DateDoc]) -> tuple[list[dict], set[str]]:
    """Findings for the claim lines of one date, and the families those lines cover (no missed_opportunity)."""
    findings: list[dict] = []
    covered: set[str] = set()
    families = doc.families if doc else {}
    for code in billed:
        entry = catalog[code]
        state = _effective_state(catalog, code, date)
        if state == "not_yet":
            findings.append(_finding(
                "not_yet_effective", date,
                f"{code} billed on {date}, before it took effect on {entry.effective_from.isoformat()}",
                _service_evidence(catalog, code, doc), code=code,
            ))
            covered.add(catalog[code].family)
            continue
        if state == "deleted":
            suggested = entry.replaced_by
            findings.append(_finding(
                "deleted_code", date,
                f"{code} was deleted after {entry.effective_to.isoformat()}"
                + (f"; {suggested} replaces it" if suggested else ""),
                _service_evidence(catalog, suggested or code, doc), code=code, suggested=suggested,
            ))
            continue
        # an effective predecessor (a Category III code before its replacement took effect) stands for the
        # replacement's documentation
        service = entry.replaced_by or code
        fam = catalog[service].family
        covered.add(fam)
        if catalog[service].variant_of:
            continue  # variant pairs are judged together in _variant_findings
        fd = families.get(fam)
        if fd is None or fd.missing(catalog[service].required):
            findings.append(_finding(
                "unsupported_claim", date, _gap_reason(code, date, fd, doc, catalog[service].required, fam),
                _evidence(fd.evidence) if fd else _date_notes(doc),
                code=code, missing=fd.missing(catalog[service].required) if fd else [],
            ))
    return findings, covered


def _variant_findings(knowledge: Knowledge, date: str, billed: list[str], doc: Optional[DateDoc]) -> list[dict]:
    """Variant families: wrong_variant when a documented service was billed as another variant.

    Wrong variant replaces missed_opportunity and unsupported_claim for the pair; with no documentation
    of the service a billed variant is unsupported, and a documented, unbilled, supported one is missed.
    """
    catalog = knowledge.catalog
    findings: list[dict] = []
    families = {e.variant_of for e in catalog.detectable() if e.variant_of}
    for fam in sorted(families):
        fam_lines = [c for c in billed if catalog[c].variant_of == fam]
        # a line flagged not_yet_effective stands alone: it is neither judged here nor leaves a missed code
        fam_billed = [c for c in fam_lines if _effective_state(catalog, c, date) == "effective"]
        fd = doc.families.get(fam) if doc else None
        if fd is None:
            findings += [
                _finding("unsupported_claim", date, _gap_reason(c, date, None, doc, catalog[c].required, fam),
                         _date_notes(doc),
                         code=c, missing=[])
                for c in fam_billed
            ]
            continue
        expected = expected_variant(catalog, fam, doc)
        missing = fd.missing(catalog[expected].required)
        evidence = _variant_evidence(catalog, expected, fd, doc)
        for code in fam_billed:
            if code != expected:
                findings.append(_finding(
                    "wrong_variant", date, _variant_reason(knowledge, code, expected, date, doc),
                    evidence, billed=code, expected=expected, missing=missing,
                ))
            elif missing:
                findings.append(_finding(
                    "unsupported_claim", date, _gap_reason(code, date, fd, doc, catalog[code].required, fam), evidence,
                    code=code, missing=missing,
                ))
        if not fam_lines and not missing:
            findings.append(_finding(
                "missed_opportunity", date, _missed_reason(catalog, expected, date, fd), evidence, code=expected,
            ))
    return findings


def _variant_concept(catalog: Catalog, code: str) -> Optional[str]:
    entry = catalog[code]
    return entry.requires_concept or entry.excludes_concept


def _variant_evidence(catalog: Catalog, expected: str, fd: FamilyDoc, doc: DateDoc) -> list[dict]:
    """The service's own spans plus where the deciding concept (the same-session CT) is affirmed."""
    spans = {nid: list(s) for nid, s in fd.evidence.items()}
    concept = _variant_concept(catalog, expected)
    for nid in doc.concepts.get(concept, []) if concept else []:
        spans.setdefault(nid, []).extend(doc.concept_spans.get(concept, {}).get(nid, []))
    return _evidence(spans)


def _variant_reason(knowledge: Knowledge, billed: str, expected: str, date: str, doc: DateDoc) -> str:
    """Why the billed variant is wrong: the deciding concept the date documents, or the one it lacks."""
    catalog = knowledge.catalog
    concept = _variant_concept(catalog, expected)
    if concept and concept in doc.concepts:
        seen = f"a {knowledge.reads_as(concept)} is documented on {date} ({', '.join(n for n in doc.concepts[concept] if n)})"
    else:
        lacking = catalog[billed].requires_concept or _variant_concept(catalog, billed)
        seen = f"no note of {date} documents a {knowledge.reads_as(lacking)}"
    return f"{billed} billed, but {seen}: the documented service is {expected}"


def _missed_reason(catalog: Catalog, code: str, date: str, fd: FamilyDoc) -> str:
    notes = ", ".join(n for n in fd.evidence if n)
    reason = f"{code} documented with all elements on {date} ({notes}) but not on the claim"
    if _effective_state(catalog, code, date) == "not_yet":
        predecessors = "/".join(catalog[code].replaces)
        reason += f"; {code} takes effect {catalog[code].effective_from.isoformat()}"
        reason += f" (bill {predecessors} on this date)" if predecessors else ""
    return reason


def _missed_findings(catalog: Catalog, date: str, doc: Optional[DateDoc], covered: set[str]) -> list[dict]:
    findings = []
    for fam, fd in sorted((doc.families if doc else {}).items()):
        code = sorted(fd.codes)[0]
        if fam in covered or fd.missing(catalog[code].required) or any(catalog[c].variant_of for c in fd.codes):
            continue
        findings.append(_finding("missed_opportunity", date, _missed_reason(catalog, code, date, fd),
                                 _evidence(fd.evidence), code=code))
    return findings


def _advisories(catalog: Catalog, date: str, billed: list[str], all_billed: set[str]) -> list[dict]:
    """Add-on codes billed without any of their primary codes on the same date (not a finding type).

    The primaries (75571-75574) are outside the catalog, so they are looked for among all claim lines.
    """
    out = []
    for code in billed:
        primaries = catalog[code].addon_to
        if primaries and not set(primaries) & all_billed:
            out.append({
                "type": "addon_without_primary", "code": code, "date_of_service": date,
                "primary_codes": list(primaries),
                "reason": f"{code} is an add-on code; no primary code ({', '.join(primaries)}) is billed on {date}",
            })
    return out


def reconcile_date(knowledge: Knowledge, date: str, billed_all: list[str], doc: Optional[DateDoc]) -> tuple[list[dict], list[dict]]:
    """Findings and advisories for one chart and date. Codes the catalog does not know pass silently."""
    catalog = knowledge.catalog
    billed = list(dict.fromkeys(c for c in billed_all if c in catalog))
    findings, covered = _line_findings(catalog, date, billed, doc)
    findings += _variant_findings(knowledge, date, billed, doc)
    findings += _missed_findings(catalog, date, doc, covered)
    return findings, _advisories(catalog, date, billed, set(billed_all))


# ---------------------------------------------------------------------------------------------- grouping


def _group_results(results: Iterable[dict]) -> dict[str, dict[str, list[dict]]]:
    """chart_id -> date -> results. Notes without a chart or a date cannot be placed on a claim."""
    grouped: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for result in results:
        chart, date = result.get("chart_id"), result.get("date_of_service")
        if chart and date and not result.get("error"):
            grouped[chart][parse_date(date).isoformat()].append(result)
    return grouped


def _order(finding: dict) -> tuple:
    return (finding["date_of_service"], ORDER.index(finding["type"]),
            finding.get("code") or finding.get("billed") or "", finding.get("payer_id") or "")


def reconcile(results: Iterable[dict], claims: Iterable[dict], knowledge: Optional[Knowledge] = None,
              policies: Optional[PolicyTable] = None) -> list[dict]:
    """One ``{chart_id, findings, advisories}`` per chart seen in the claims or the note results; a chart with
    claim lines that could not be read (``cptscan.claims``) also has ``errors``, and those lines count as unbilled.

    ``knowledge`` is the scanner's (``Scanner.knowledge``), so a site catalog or a code pack given to
    ``cptscan.load()`` decides here too; without it, the packaged knowledge. ``policies`` (a site's payer
    policy table, ``coverage.table.load_policies``) adds the coverage findings of each date.
    """
    knowledge = knowledge or load_knowledge()
    claims = list(claims)
    notes, (billed, claim_errors) = _group_results(results), group_claims(claims)
    paid_by = group_claims(claims, payers=True)[0] if policies is not None else {}
    out = []
    for chart in sorted(set(notes) | set(billed)):
        findings, advisories = [], []
        for date in sorted(set(notes.get(chart, {})) | set(billed.get(chart, {}))):
            rows = notes.get(chart, {}).get(date)
            doc = document_date(date, rows, knowledge) if rows else None
            f, a = reconcile_date(knowledge, date, billed.get(chart, {}).get(date, []), doc)
            if policies is not None:
                # a verification precedes its service: the chart's notes up to this date may document it
                so_far = [r for day, rs in sorted(notes.get(chart, {}).items()) if day <= date for r in rs]
                f += coverage_findings(knowledge, policies, date, paid_by[chart][date], so_far, f,
                                       lambda code, doc=doc: _service_evidence(knowledge.catalog, code, doc))
            findings += f
            advisories += a
        out.append({"chart_id": chart, "findings": sorted(findings, key=_order), "advisories": advisories,
                    **({"errors": claim_errors[chart]} if chart in claim_errors else {})})
    return out
