"""Typed records shared by every stage, and their JSON shapes.

Data flows one way: Note -> (NLP) Mention -> CodeDecision -> result dict -> (reconcile) Finding.
Every stage after the NLP works on plain dicts in the corpus format (``docs/formats.md``)
so that a result line written to JSONL can be read back by ``evaluate`` or ``reconcile`` unchanged.

Result line (one per input note)::

    {"note_id", "chart_id", "date_of_service", "note_type",
     "codes": [{"code", "status", "missing", "coverage_documented", "confidence",
                "elements": {"input": bool, "process": bool, "interpretation": bool},
                "evidence": [Evidence...]}],
     "concepts": [...affirmed concept labels...],
     "mentions": [Evidence...],      # every mention found, whatever its assertion
     "error": null | {"code", "message"},
     "versions": {"cptscan", "catalog", "rules", "models"}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

ASSERTIONS = ("affirmed", "negated", "hypothetical", "historical", "family")
STATUSES = ("supported", "documentation_gap", "needs_review")
#: statuses that make a code a candidate; ``needs_review`` (only a model saw it) is shown, never claimed.
CANDIDATE_STATUSES = STATUSES[:2]
#: the status that means "bill it as documented".
BILLABLE_STATUS = STATUSES[0]
#: the fields every result line starts with, in order.
HEADER_FIELDS = ("note_id", "chart_id", "date_of_service", "note_type")
#: the documentation findings of chart reconciliation, in the order a coder clears them.
FINDING_TYPES = ("deleted_code", "not_yet_effective", "unsupported_claim", "wrong_variant", "missed_opportunity")


@dataclass(frozen=True)
class Note:
    """One input note; only ``note_id`` and ``text`` are required by the format."""

    note_id: str
    text: str
    chart_id: Optional[str] = None
    date_of_service: Optional[str] = None
    note_type: Optional[str] = None

    def header(self) -> dict[str, Any]:
        return {
            "note_id": self.note_id,
            "chart_id": self.chart_id,
            "date_of_service": self.date_of_service,
            "note_type": self.note_type,
        }


@dataclass(frozen=True)
class Modifier:
    """A ConText (or section) modifier that changed a mention's assertion, with the cue a coder can read."""

    category: str
    cue: str


@dataclass(frozen=True)
class Mention:
    """A span the pipeline found: its label, the rule that matched, and why it has its assertion."""

    start: int
    end: int
    label: str
    text: str
    assertion: str
    section: Optional[str]
    rule: str
    modifiers: tuple[Modifier, ...] = ()
    source: str = "rule"  # "rule" or "model"
    score: float = 1.0

    @property
    def affirmed(self) -> bool:
        return self.assertion == "affirmed"

    def as_evidence(self) -> dict[str, Any]:
        # field by field: dataclasses.asdict deep-copies recursively, a millisecond per note with evidence
        out = dict(self.__dict__)
        out["modifiers"] = [{"category": m.category, "cue": m.cue} for m in self.modifiers]
        return out


@dataclass
class CodeDecision:
    """A candidate code for one note, with the elements found and the evidence behind each."""

    code: str
    status: str
    missing: list[str]
    coverage_documented: Optional[bool]
    confidence: float
    elements: dict[str, bool]
    evidence: list[Mention] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "status": self.status,
            "missing": list(self.missing),
            "coverage_documented": self.coverage_documented,
            "confidence": round(self.confidence, 4),
            "elements": dict(self.elements),
            "evidence": [m.as_evidence() for m in self.evidence],
        }


#: seconds one note may take before it becomes a ``time_budget_exceeded`` error line: generous, since a
#: 2,000,000-character note of services scans in about 25 s on a busy 2-core machine (``bench.py``)
DEFAULT_TIME_BUDGET = 60.0


@dataclass(frozen=True)
class ScanError:
    """Why a note could not be scanned: a stable code for machines, a message for people."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
