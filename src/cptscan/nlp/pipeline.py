"""Builds the spaCy pipeline from config and turns its span group into typed mentions.

The pipeline is plain spaCy: a blank English model with medspaCy's clinical tokenizer, then the registered
cptscan components. Built once per process (``build_pipeline``) and reused for every note.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from .medspacy_parts import blank_clinical
from spacy.language import Language
from spacy.tokens import Doc

from ..ablation import pipes_off
from ..records import Mention, Modifier
from ..knowledge import Knowledge
from ..rules import RuleSet, load_rules
from . import genre  # noqa: F401  registers cptscan_genre (a source checkout has no entry point for it yet)
from .components import MENTIONS
from .extensions import check_deadline, text_of
from .intervals import SpanIndex

PIPE_NAMES = ("cptscan_sentences", "cptscan_targets", "cptscan_sections", "cptscan_context",
              "cptscan_document_kind", "cptscan_layout", "cptscan_assertion")


def build_pipeline(extra_pipes: tuple[tuple[str, dict], ...] = (), knowledge: Optional[Knowledge] = None) -> Language:
    """A fresh pipeline; ``extra_pipes`` adds further registered components (the trained models): at the end,
    or before the component their config's ``before`` names (the genre model feeds the assertion step).

    Every component that reads rules is configured with ``knowledge`` (default: the default packs); the
    components of the capabilities it has switched off are disabled (``cptscan.ablation``).
    """
    nlp = blank_clinical()
    knows = {"knowledge": knowledge.config} if knowledge is not None else {}
    for name in PIPE_NAMES:
        nlp.add_pipe(name, config=knows if "knowledge" in nlp.get_factory_meta(name).default_config else {})
    for name, config in extra_pipes:
        settings = {k: v for k, v in config.items() if k != "before"}
        nlp.add_pipe(name, config={**settings, **knows}, before=config.get("before"))
    nlp.add_pipe("cptscan_finalize")
    for name in pipes_off(knowledge.ablated if knowledge is not None else ()):
        if name in nlp.component_names:  # a classifier a rules-only scanner never added is off already
            nlp.disable_pipe(name)
    return nlp


def run(nlp: Language, doc: Doc, anchors: frozenset[str]) -> Doc:
    """Runs the pipeline on one Doc, stopping after the target matcher when it found no mention labelled
    with one of ``anchors``.

    Such a note can report nothing (evidence is reported only next to a service or a heart CT), and nine
    in ten notes the gate lets through are of that kind; sections, ConText and the classifiers would only
    spend time on them. A note with an anchor runs every component, as ``nlp(doc)`` would. Between steps,
    a note past its deadline (``make_doc``) raises ``TimeBudgetExceeded``.
    """
    for name, proc in nlp.pipeline:
        check_deadline(doc)
        doc = proc(doc)
        if name == "cptscan_targets" and not any(s.label_ in anchors for s in doc.spans.get(MENTIONS, [])):
            return doc
    return doc


def make_doc(nlp: Language, text: str, date_of_service: Optional[str], note_type: Optional[str],
             deadline: Optional[float] = None) -> Doc:
    """A tokenised Doc carrying the note facts the components need (dates are compared with the DOS) and
    the ``time.monotonic()`` its scan must end by (None: no limit)."""
    doc = nlp.make_doc(text)
    doc._.cptscan_deadline = deadline
    doc._.cptscan_text = text  # the tokenizer keeps every character: doc.text == text, without the join
    doc._.cptscan_dos = date_of_service
    doc._.cptscan_note_type = note_type
    return doc


def mentions_of(doc: Doc, rules: Optional[RuleSet] = None) -> list[Mention]:
    """Every mention in text order, with the rule and cues that explain it.

    Exclusion matches (e.g. "perivascular fat stranding") remove the mentions inside them and are not
    reported; overlapping or adjacent mentions of one label ("CaRi-Heart (Caristo) perivascular fat
    analysis") are one mention, whose assertion is the strongest of its parts. ``rules`` are the pipeline's
    (default: the default packs').
    """
    rules = rules or load_rules()
    excluded = set(rules.labels_with_role("exclusion"))
    raw = _raw_mentions(doc)
    exclusions = [m for m in raw if m.label in excluded]
    index = SpanIndex([(x.start, x.end) for x in exclusions])
    kept = [m for m in raw if m.label not in excluded
            and not any(exclusions[i].start <= m.start and m.end <= exclusions[i].end
                        for i in index.meeting(m.start, m.end))]
    return _merge_adjacent(sorted(kept, key=lambda m: (m.label, m.start, m.end)), text_of(doc),
                           rules.context["assertion_precedence"], rules.context["assertion_of_category"])


GAP = re.compile(r"[\s(),/:\-]*")


# The rest of a parenthesis a joined mention opened: its words up to ')', kept short (a hard-wrapped note
# may break the line inside it).
TO_CLOSE = re.compile(r"[^()]{0,40}\)")


def _closing_parentheses(text: str, start: int, end: int) -> int:
    """``end`` moved past the ')' that close what a join opened: a join across '(' must quote 'fat analysis
    (CaRi-Heart)' or 'AI plaque quantification (HeartFlow Plaque Analysis)', not stop inside the parenthesis."""
    unclosed = text.count("(", start, end) - text.count(")", start, end)
    while unclosed > 0 and (rest := TO_CLOSE.match(text, end)):
        end = rest.end()
        unclosed -= 1
    return end


def _merge_adjacent(mentions: list[Mention], text: str, precedence: list[str], assertion_of: dict[str, str]) -> list[Mention]:
    """``mentions`` sorted by (label, start); returns them merged, in text order.

    A mention inside a longer one of the same label is absorbed by it (the longer match saw more context);
    side-by-side or overlapping mentions join, and the joined one takes the strongest assertion of the two,
    except that overlapping mentions whose assertions differ stay apart, each with its own.
    """
    rank = {assertion_of[c]: i for i, c in enumerate(precedence)}
    out: list[Mention] = []
    for m in mentions:
        last = out[-1] if out else None
        touching = last is not None and last.label == m.label and (
            m.start < last.end or GAP.fullmatch(text[last.end:m.start]))
        if not touching:
            out.append(m)
        elif m.end <= last.end:
            continue
        elif m.start == last.start:
            out[-1] = m
        elif m.start < last.end and m.assertion != last.assertion:
            out.append(m)
        else:
            assertion = min((last.assertion, m.assertion), key=lambda a: rank.get(a, len(precedence)))
            end = _closing_parentheses(text, last.start, m.end)
            out[-1] = replace(last, end=end, text=text[last.start:end], assertion=assertion,
                              rule=f"{last.rule}+{m.rule}", modifiers=tuple(dict.fromkeys(last.modifiers + m.modifiers)),
                              score=max(last.score, m.score))
    return sorted(out, key=lambda m: (m.start, m.end, m.label))


def _raw_mentions(doc: Doc) -> list[Mention]:
    spans = sorted(doc.spans[MENTIONS], key=lambda s: (s.start_char, s.end_char, s.label_)) if MENTIONS in doc.spans else []
    out = []
    for span in spans:
        rule_id = span._.cptscan_rule or "model"
        out.append(Mention(
            start=span.start_char,
            end=span.end_char,
            label=span.label_,
            text=span.text,
            assertion=span._.cptscan_assertion,
            section=span._.cptscan_section,
            rule=rule_id,
            modifiers=tuple(Modifier(category, cue) for category, cue in span._.cptscan_cues),
            source="model" if rule_id.startswith("model") else "rule",
            score=float(span._.cptscan_score or 1.0),
        ))
    return out
