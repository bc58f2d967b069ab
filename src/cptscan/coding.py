"""Mentions -> candidate codes: which code, its status, the missing elements, coverage and confidence.

Everything code-specific is data: the catalog gives a code's service concept, its required elements, the
labels that document each element and each element's policy (which assertions count, where the mention must
be), the concept that picks a variant and whether coverage verification applies; the rule data gives each
label its role. This module reads roles and policies, never a label or code name.

How mentions count, in plain words:
- a service is a candidate only when one of its mentions is affirmed (not negated, hypothetical,
  historical or family);
- a service mention whose rule's metadata ``documents`` an element documents it (a vendor name is the
  software, so the process);
- a ``nearest_service`` element (the software, the physician's reading) is documented by a mention of one
  of its labels with a counting assertion, when several services share a note, by the nearest one's;
- an ``any_mention`` element is documented by a mention anywhere in the note (what the nearest-service
  policy replaced; an ablation switches back to it);
- a ``subject_or_anchor_sentence`` element (the data set) is documented by a mention in the study a report
  is about (its title, EXAM or technique) or in a sentence with the service or an anchoring element's
  evidence; a stored data set (historical) counts;
- a service seen only by the classifier gives a ``needs_review`` candidate: shown, never counted;
- an analysis announced as pending (a PENDING cue on any of its mentions) with no output of it in the note
  was submitted, not resulted: no candidate (imaging, dated by its acquisition, stays one: its reading is
  what is missing).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace
from typing import Iterable, Optional

from .catalog import Catalog, CodeEntry
from .records import CodeDecision, Mention, Modifier
from .rules import RuleSet

SUBJECT_SECTIONS = {"title", "exam", "technique", "input_field"}


@dataclass
class CodingContext:
    """What a decision needs besides the mentions, with the look-ups derived once rather than per note."""

    catalog: Catalog
    rules: RuleSet
    service_concepts: list[str] = field(init=False)
    documents: dict[str, frozenset[str]] = field(init=False)
    outputs: frozenset[str] = field(init=False)
    coverage_labels: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.service_concepts = self.catalog.service_concepts()
        self.coverage_labels = frozenset(self.rules.labels_with_role("coverage"))
        self.documents = {rule["metadata"]["id"]: frozenset(rule["metadata"].get("documents", ()))
                          for rule in self.rules.target["target_rules"]}
        self.outputs = frozenset(rule["metadata"]["id"] for rule in self.rules.target["target_rules"]
                                 if rule["metadata"].get("output"))

    def is_output(self, mention: Mention) -> bool:
        """Whether a mention is a result of the service (a plaque volume, an FAI-Score), not its name."""
        return any(rule_id in self.outputs for rule_id in mention.rule.split("+"))

    def documented_by(self, mention: Mention) -> frozenset[str]:
        """Elements a mention documents by itself (a vendor name is the process); merged mentions join rule ids."""
        return frozenset().union(*(self.documents.get(rule_id, frozenset()) for rule_id in mention.rule.split("+")))


class NearestService:
    """Which service mention is nearest a mention, by the middle of each (start + end); on a tie the first of
    them in the list, as ``min`` over the list gives. Found by bisection over the distinct middles: a long
    note holds thousands of mentions and of services, and comparing each with each was quadratic."""

    def __init__(self, services: list[Mention]):
        self.first: dict[int, tuple[int, str]] = {}  # middle -> (place in the list, label) of the first one there
        for i, s in enumerate(services):
            self.first.setdefault(s.start + s.end, (i, s.label))
        self.middles = sorted(self.first)

    def __call__(self, mention: Mention) -> Optional[str]:
        if not self.middles:
            return None
        middle = mention.start + mention.end
        at = bisect_left(self.middles, middle)
        distance = min(abs(m - middle) for m in self.middles[max(at - 1, 0):at + 1])
        return min(self.first[m] for m in {middle - distance, middle + distance} if m in self.first)[1]


def _reads_back(mention: Mention, service_sentences: set[Optional[int]], sentence_of: dict[int, int],
                earliest_end: dict[Optional[str], int]) -> bool:
    """A reading written after a service's mention in the same section, or in the same sentence, reads it too
    (one impression over two analyses of one study), whichever service happens to be nearer. ``earliest_end``:
    per section, where its first-ending service mention ends."""
    return sentence_of.get(mention.start) in service_sentences or (
        mention.section is not None and earliest_end.get(mention.section, mention.start + 1) <= mention.start)


def _blocks(mentions: Iterable[Mention], index_of: dict[int, int]) -> set[Optional[int]]:
    """The sentences (or paragraphs, given the paragraph index) the mentions are in."""
    return {index_of.get(m.start) for m in mentions}


def decide(
    mentions: list[Mention],
    sentence_of: dict[int, int],
    ctx: CodingContext,
    paragraph_of: dict[int, int],
) -> list[CodeDecision]:
    """Candidate codes for one note. ``sentence_of`` and ``paragraph_of`` map a mention's start offset to its
    sentence and paragraph index (paragraphs: blocks between blank lines)."""
    catalog = ctx.catalog
    # shared evidence goes to the nearest service mention of any assertion: a sentence about an earlier
    # perivascular-fat report does not lend its data set or software to today's plaque mention
    all_services = [m for m in mentions if m.label in ctx.service_concepts]
    affirmed_services = [m for m in all_services if m.affirmed]
    nearest = NearestService(all_services)
    affirmed_concepts = {m.label for m in mentions if m.affirmed}
    decisions = []
    for concept in ctx.service_concepts:
        services = [m for m in affirmed_services if m.label == concept]
        note_mentions = mentions
        if not services:
            services = _first_read_here(concept, mentions, all_services, nearest, paragraph_of, ctx)
            note_mentions = _with(mentions, services)
        if not services:
            continue
        entry = catalog.variant_for(concept, affirmed_concepts)
        if entry.dated_by == "first_reading" and _not_resulted(concept, mentions, ctx):
            continue
        decisions.append(_decision(entry, services, note_mentions, nearest, sentence_of, ctx, paragraph_of))
    return decisions


def _first_read_here(concept: str, mentions: list[Mention], all_services: list[Mention], nearest: NearestService,
                     paragraph_of: dict[int, int], ctx: CodingContext) -> list[Mention]:
    """A service dated earlier only by a date, read by a physician in its paragraph: this encounter's.

    An analysis run on a stored data set happens where a physician first interprets it, even when the data
    set (or the vendor's return of the output) carries an earlier date; a cue that says it was done or read
    before ("previously", "prior") keeps it historical. Which reading dates a service is the catalog's
    (elements whose policy ``dates_the_service``).
    """
    dated = [m for m in all_services if m.label == concept and m.assertion == "historical"
             and _dated_only(m)]
    if not dated:
        return []
    entry = ctx.catalog.for_concept(concept)[0]
    if entry.dated_by != "first_reading":  # imaging happens when the images are taken, whoever reads them
        return []
    policies = ctx.catalog.policies
    readers = {label for name in entry.required if policies[name].dates_the_service for label in entry.elements[name]}
    # an explicit reading (a rule's, not a model's guess) written after the dated mention, in its paragraph
    readings = [m for m in mentions if m.affirmed and m.source == "rule" and m.label in readers
                and nearest(m) == concept]
    if not any(r.start > d.start and paragraph_of.get(r.start) == paragraph_of.get(d.start)
               for r in readings for d in dated):
        return []
    return [replace(m, assertion="affirmed", modifiers=m.modifiers + (Modifier("FIRST_READ", "read at this encounter"),))
            for m in dated]


def _not_resulted(concept: str, mentions: list[Mention], ctx: CodingContext) -> bool:
    """Submitted, not resulted: a mention of the analysis says it is pending ("results pending from the
    vendor", "addendum to follow") and no output of it is affirmed in the note. The data set sent for the
    analysis, with today's date, reads as the service being done; the note documents no service yet."""
    of_concept = [m for m in mentions if m.label == concept]
    pending = any(c.category == "PENDING" for m in of_concept for c in m.modifiers)
    return pending and not any(m.affirmed and ctx.is_output(m) for m in of_concept)


def _dated_only(mention: Mention) -> bool:
    """Historical by a date alone: no cue says it was done or read before."""
    categories = {c.category for c in mention.modifiers}
    return "DATE" in categories and "HISTORICAL" not in categories


def _with(mentions: list[Mention], replaced: list[Mention]) -> list[Mention]:
    """``mentions`` with those at the same place and label as one of ``replaced`` swapped for it."""
    by_place = {(m.start, m.end, m.label): m for m in replaced}
    return [by_place.get((m.start, m.end, m.label), m) for m in mentions]


def _decision(
    entry: CodeEntry,
    services: list[Mention],
    mentions: list[Mention],
    nearest: NearestService,
    sentence_of: dict[int, int],
    ctx: CodingContext,
    paragraph_of: dict[int, int],
) -> CodeDecision:
    concept = entry.service_concept
    assert entry.elements is not None
    policies = ctx.catalog.policies
    # a data set named next to the software, or next to an earlier mention of the same service, still names
    # the analysed data: the anchoring elements' evidence is gathered first
    anchors = _blocks(services + [m for m in mentions if m.label == concept and m.assertion == "historical"],
                      sentence_of)
    service_sentences, service_paragraphs = _blocks(services, sentence_of), _blocks(services, paragraph_of)
    earliest_end: dict[Optional[str], int] = {}
    for s in services:
        earliest_end[s.section] = min(earliest_end.get(s.section, s.end), s.end)
    evidence: dict[str, list[Mention]] = {}
    for name in sorted(entry.required, key=lambda n: not policies[n].anchors):
        policy, labels = policies[name], set(entry.elements[name])
        found = [s for s in services if name in ctx.documented_by(s)]
        for m in mentions:
            if m.label not in labels or m.assertion not in policy.assertions:
                continue
            if policy.where == "any_mention":
                found.append(m)
            elif policy.where == "nearest_service":
                if nearest(m) == concept or (
                        policy.reads_back and _reads_back(m, service_sentences, sentence_of, earliest_end)):
                    found.append(m)
            elif m.section in SUBJECT_SECTIONS or sentence_of.get(m.start) in anchors:
                found.append(m)
            elif policy.same_paragraph and paragraph_of.get(m.start) in service_paragraphs:
                found.append(m)
        evidence[name] = found
        if policy.anchors:
            anchors |= _blocks(found, sentence_of)
    evidence = {name: evidence[name] for name in entry.required}

    elements = {element: bool(found) for element, found in evidence.items()}
    missing = [element for element in entry.required if not elements[element]]
    status = "supported" if not missing else "documentation_gap"
    if all(s.source == "model" for s in services):
        status = "needs_review"  # only the classifier saw the service: shown to coders, never counted
    coverage = None
    coverage_mentions: list[Mention] = []
    if entry.coverage_applies:
        # a verification done before the service (historical) still documents coverage
        coverage_mentions = [m for m in mentions
                             if m.label in ctx.coverage_labels and m.assertion in ctx.catalog.coverage_assertions]
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
