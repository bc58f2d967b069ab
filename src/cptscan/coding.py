"""Mentions -> candidate codes: which code, its status, the missing elements, coverage and confidence.

Everything code-specific comes from the catalog: a code's service concept, the labels that document each
element, the concept that picks a variant (0993T needs a heart CT of the same session, 0992T excludes it)
and whether coverage verification applies. Adding a code means adding data, not a branch here.

How mentions count, in plain words:
- a service is a candidate only when one of its mentions is affirmed (not negated, hypothetical,
  historical or family);
- *process* is documented by a mention that names or describes the software: a vendor rule whose
  metadata says ``documents: [process]``, or an AI_PROCESS mention;
- *input* is documented by a data-set mention (affirmed or historical: a stored CT is a valid input) in the
  same sentence as the service or its software, or by the study a report is about (its title or EXAM
  section);
- *interpretation* is documented by an affirmed PHYSICIAN_INTERPRETATION mention (rule or classifier);
- a service seen only by the classifier gives a ``needs_review`` candidate: shown, never counted;
- shared evidence (software, interpretation) goes to the nearest service mention, whatever its assertion,
  when a note holds more than one service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from .catalog import Catalog, CodeEntry
from .records import CodeDecision, Mention
from .rules import RuleSet

INPUT_ASSERTIONS = {"affirmed", "historical"}  # also for coverage: a stored data set, an earlier PA
SUBJECT_SECTIONS = {"title", "exam", "technique", "input_field"}
SHARED_LABELS = ("AI_PROCESS", "PHYSICIAN_INTERPRETATION")


@dataclass
class CodingContext:
    """What a decision needs besides the mentions, with the look-ups derived once rather than per note."""

    catalog: Catalog
    rules: RuleSet
    service_concepts: list[str] = field(init=False)
    documents: dict[str, frozenset[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.service_concepts = self.catalog.service_concepts()
        self.documents = {rule["metadata"]["id"]: frozenset(rule["metadata"].get("documents", ()))
                          for rule in self.rules.target["target_rules"]}

    def documented_by(self, mention: Mention) -> frozenset[str]:
        """Elements a mention documents by itself (a vendor name is the process); merged mentions join rule ids."""
        return frozenset().union(*(self.documents.get(rule_id, frozenset()) for rule_id in mention.rule.split("+")))


def _nearest_service(mention: Mention, services: list[Mention]) -> Optional[str]:
    if not services:
        return None
    return min(services, key=lambda s: abs((s.start + s.end) - (mention.start + mention.end))).label


def _same_sentence(a: Mention, b: Mention, sentence_of: dict[int, int]) -> bool:
    return sentence_of.get(a.start) == sentence_of.get(b.start)


def decide(
    mentions: list[Mention],
    sentence_of: dict[int, int],
    ctx: CodingContext,
) -> list[CodeDecision]:
    """Candidate codes for one note. ``sentence_of`` maps a mention's start offset to its sentence index."""
    catalog = ctx.catalog
    # shared evidence goes to the nearest service mention of any assertion: a sentence about an earlier
    # perivascular-fat report does not lend its data set or software to today's plaque mention
    all_services = [m for m in mentions if m.label in ctx.service_concepts]
    affirmed_services = [m for m in all_services if m.affirmed]
    affirmed_concepts = {m.label for m in mentions if m.affirmed}
    decisions = []
    for concept in ctx.service_concepts:
        services = [m for m in affirmed_services if m.label == concept]
        if not services:
            continue
        entry = _variant(catalog.for_concept(concept), affirmed_concepts)
        decisions.append(_decision(entry, services, mentions, all_services, sentence_of, ctx))
    return decisions


def _variant(entries: list[CodeEntry], concepts: set[str]) -> CodeEntry:
    """The code whose required concept is present, else the one that excludes it (0993T vs 0992T)."""
    for entry in entries:
        if entry.requires_concept and entry.requires_concept in concepts:
            return entry
    for entry in entries:
        if not entry.requires_concept and not (entry.excludes_concept and entry.excludes_concept in concepts):
            return entry
    return entries[0]


def _decision(
    entry: CodeEntry,
    services: list[Mention],
    mentions: list[Mention],
    all_services: list[Mention],
    sentence_of: dict[int, int],
    ctx: CodingContext,
) -> CodeDecision:
    concept = entry.service_concept
    assert entry.elements is not None

    def belongs(m: Mention) -> bool:
        return m.label not in SHARED_LABELS or _nearest_service(m, all_services) == concept

    evidence: dict[str, list[Mention]] = {element: [] for element in entry.elements}
    process_labels = set(entry.elements["process"])
    evidence["process"] += [s for s in services if "process" in ctx.documented_by(s)]
    evidence["process"] += [m for m in mentions if m.affirmed and m.label in process_labels and belongs(m)]

    # a data set named next to an earlier mention of the same service still names the analysed data
    anchors = services + evidence["process"] + [
        m for m in mentions if m.label == concept and m.assertion == "historical"]
    for m in mentions:
        if m.label in entry.elements["input"] and m.assertion in INPUT_ASSERTIONS:
            if m.section in SUBJECT_SECTIONS or any(_same_sentence(m, a, sentence_of) for a in anchors):
                evidence["input"].append(m)

    interp_labels = set(entry.elements["interpretation"])
    evidence["interpretation"] += [m for m in mentions if m.affirmed and m.label in interp_labels and belongs(m)]

    elements = {element: bool(found) for element, found in evidence.items()}
    missing = [element for element in entry.elements if not elements[element]]
    status = "supported" if not missing else "documentation_gap"
    if all(s.source == "model" for s in services):
        status = "needs_review"  # only the classifier saw the service: shown to coders, never counted
    coverage = None
    coverage_mentions: list[Mention] = []
    if entry.coverage_applies:
        # a verification done before the service (historical) still documents coverage
        coverage_mentions = [m for m in mentions if m.label == "COVERAGE_VERIFIED" and m.assertion in INPUT_ASSERTIONS]
        coverage = bool(coverage_mentions)
    variant_mentions = []
    if entry.requires_concept:
        variant_mentions = [m for m in mentions if m.affirmed and m.label == entry.requires_concept]

    all_evidence = _unique(services + [m for found in evidence.values() for m in found] + variant_mentions + coverage_mentions)
    return CodeDecision(
        code=entry.code,
        status=status,
        missing=missing,
        coverage_documented=coverage,
        confidence=_confidence(evidence) * max(s.score if s.source == "model" else 1.0 for s in services),
        elements=elements,
        evidence=all_evidence,
    )


def _confidence(evidence: dict[str, list[Mention]]) -> float:
    """How sure the code is right as stated: rule evidence counts fully, model evidence by its probability.

    A candidate with every element documented by rules is near-certain; each missing element lowers it
    (the coder must query before billing), and interpretation found only by the classifier counts at the
    classifier's own probability.
    """
    weights = []
    for found in evidence.values():
        if not found:
            weights.append(0.75)
        else:
            weights.append(max(m.score if m.source == "model" else 1.0 for m in found))
    value = 0.97
    for w in weights:
        value *= 0.5 + 0.5 * w
    return max(0.05, min(0.99, value))


def _unique(mentions: Iterable[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in sorted(mentions, key=lambda m: (m.start, m.end, m.label)):
        key = (m.start, m.end, m.label)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out
