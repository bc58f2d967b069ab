"""Capabilities that can be switched off one at a time, to measure what each one contributes (an ablation).

Each capability is one entry of ``CAPABILITIES``: what it does, and how it is turned off. There are three
ways, and an entry may use any of them:

- ``pipes``: pipeline components disabled the spaCy way (``nlp.disable_pipe``; the others run as usual);
- ``steps``: text preparation steps skipped (``textprep.STEPS``, and ``repairs``: ``textprep.Repairs``);
- ``knowledge``: a function that returns the loaded knowledge with its rules or element policies changed
  (its docstring's first line says how: the ablation table quotes it).
  The packaged files are untouched: the change lives in the one ``Knowledge`` object the scanner, its
  components (through their config) and coding share.

``cptscan.load(ablate=[...])`` and ``cptscan evaluate --ablate NAME[,NAME...]`` take these names; a result
scanned with some switched off says which in ``versions.ablated``. Switching nothing off changes nothing.
Adding a capability is adding its entry here.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterable, Optional

if TYPE_CHECKING:
    from .catalog.catalog import ElementPolicy
    from .knowledge import Knowledge


class UnknownCapability(ValueError):
    """A name given to switch off is not one of ``CAPABILITIES``; the message lists the valid ones."""


@dataclass(frozen=True)
class Capability:
    about: str
    pipes: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    knowledge: Optional[Callable[["Knowledge"], "Knowledge"]] = None


def _rules(knowledge: Knowledge, **parts: dict) -> Knowledge:
    """``knowledge`` with parts of its rule set (context, negation, sections) replaced."""
    return replace(knowledge, rules=replace(knowledge.rules, **parts))


def _pack_context_rules(knowledge: Knowledge) -> list[dict]:
    return [rule for data in knowledge.pack_data("context_rules.json") for rule in data.get("context_rules", [])]


def _without_general_context_rules(knowledge: Knowledge) -> Knowledge:
    """The rule set's ConText rules keep only the packs' (the general file's are left out)."""
    return _rules(knowledge, context={**knowledge.rules.context, "context_rules": _pack_context_rules(knowledge)})


def _without_pack_context_rules(knowledge: Knowledge) -> Knowledge:
    """The rule set's ConText rules lose those the enabled packs added."""
    own = _pack_context_rules(knowledge)
    kept = [rule for rule in knowledge.rules.context["context_rules"] if rule not in own]
    return _rules(knowledge, context={**knowledge.rules.context, "context_rules": kept})


def _without_negation_rules(knowledge: Knowledge) -> Knowledge:
    """The rule set's negation rules emptied."""
    return _rules(knowledge, negation={**knowledge.rules.negation, "context_rules": []})


def _without_section_effects(knowledge: Knowledge) -> Knowledge:
    """Every section's ``assertion`` effect set to none in the rule set.

    Sections are still found: an exam or title section still names the analysed study."""
    sections = {name: {**spec, "assertion": None} for name, spec in knowledge.rules.sections["sections"].items()}
    return _rules(knowledge, sections={**knowledge.rules.sections, "sections": sections})


def _policies(change: Callable[[ElementPolicy], ElementPolicy]) -> Callable[[Knowledge], Knowledge]:
    """A knowledge change that applies ``change`` to every element policy of the catalog (a copy of it)."""
    def switch(knowledge: Knowledge) -> Knowledge:
        catalog = copy.copy(knowledge.catalog)
        catalog.policies = {name: change(policy) for name, policy in knowledge.catalog.policies.items()}
        return replace(knowledge, catalog=catalog)
    switch.__doc__ = change.__doc__
    return switch


def _any_mention(policy: ElementPolicy) -> ElementPolicy:
    """Element policies placed at ``nearest_service`` placed at ``any_mention``."""
    return replace(policy, where="any_mention") if policy.where == "nearest_service" else policy


def _no_reads_back(policy: ElementPolicy) -> ElementPolicy:
    """Element policies' ``reads_back`` off."""
    return replace(policy, reads_back=False)


def _no_same_paragraph(policy: ElementPolicy) -> ElementPolicy:
    """Element policies' ``same_paragraph`` off."""
    return replace(policy, same_paragraph=False)


def _no_first_read(policy: ElementPolicy) -> ElementPolicy:
    """Element policies' ``dates_the_service`` off."""
    return replace(policy, dates_the_service=False)


CAPABILITIES: dict[str, Capability] = {
    "repairs": Capability("OCR and dictation noise read back before anything else (page furniture, line-end "
                          "hyphens, spelled-out letters, look-alike characters; textprep.Repairs)", steps=("repairs",)),
    "unwrap": Capability("soft line breaks of a hard-wrapped note joined before reading (textprep.unwrap)",
                         steps=("unwrap",)),
    "spoken_punctuation": Capability("dictated punctuation ('period', 'new paragraph') read as punctuation",
                                     steps=("spoken_punctuation",)),
    "layout": Capability("form fields (answered, empty, ticked), blocks written for the patient and fields "
                         "naming the analysed data set (nlp/layout.py)", pipes=("cptscan_layout",)),
    "document_kind": Capability("administrative documents (letters, requests, templates) make their services "
                                "hypothetical", pipes=("cptscan_document_kind",)),
    "sections": Capability("the sectionizer: no section titles found at all", pipes=("cptscan_sections",)),
    "section_effects": Capability("a section's effect on assertions (comparison historical, plan hypothetical "
                                  "unless done, ...); sections are still found", knowledge=_without_section_effects),
    "context_rules": Capability("the general service-level ConText rules (rules/context_rules.json)",
                                knowledge=_without_general_context_rules),
    "negation_rules": Capability("the negation refinements (rules/negation_rules.json); medspaCy's default "
                                 "rules stay", knowledge=_without_negation_rules),
    "pack_context_rules": Capability("the code packs' own ConText rules (packs/*/context_rules.json)",
                                     knowledge=_without_pack_context_rules),
    "nearest_service": Capability("element evidence goes to the nearest service mention; off: a mention "
                                  "anywhere in the note counts for every service", knowledge=_policies(_any_mention)),
    "reads_back": Capability("a reading also reads the services written before it in its section",
                             knowledge=_policies(_no_reads_back)),
    "same_paragraph": Capability("the data set may be named in the paragraph that reports the service",
                                 knowledge=_policies(_no_same_paragraph)),
    "first_read": Capability("an analysis dated earlier only by its data set, first read by a physician here, "
                             "is this encounter's", knowledge=_policies(_no_first_read)),
    "genre_model": Capability("the learned document and block genre classifier (administrative or clinical, "
                              "beside the keyword cues)", pipes=("cptscan_genre",)),
    "interpretation_model": Capability("the interpretation classifier", pipes=("cptscan_interpretation_classifier",)),
    "service_model": Capability("the service classifier", pipes=("cptscan_service_classifier",)),
}


def checked(names: str | Iterable[str]) -> tuple[str, ...]:
    """``names`` (or one string of them separated by commas) in the registry's order, each once; an unknown
    one raises ``UnknownCapability``."""
    if isinstance(names, str):
        names = names.split(",")
    names = {name.strip() for name in names if name.strip()}
    unknown = sorted(names - set(CAPABILITIES))
    if unknown:
        raise UnknownCapability(f"unknown capability {', '.join(map(repr, unknown))}; "
                                f"the ones that can be switched off are: {', '.join(CAPABILITIES)}")
    return tuple(name for name in CAPABILITIES if name in names)


def switch_off(knowledge: Knowledge, names: Iterable[str]) -> Knowledge:
    """``knowledge`` with the capabilities ``names`` switched off, and marked so (``ablated``)."""
    names = checked(names)
    for name in names:
        change = CAPABILITIES[name].knowledge
        if change is not None:
            knowledge = change(knowledge)
    return replace(knowledge, ablated=names)


def pipes_off(names: Iterable[str]) -> tuple[str, ...]:
    """The pipeline components the capabilities ``names`` disable."""
    return tuple(pipe for name in names for pipe in CAPABILITIES[name].pipes)


def steps_off(names: Iterable[str]) -> frozenset[str]:
    """The text preparation steps the capabilities ``names`` skip."""
    return frozenset(step for name in names for step in CAPABILITIES[name].steps)
