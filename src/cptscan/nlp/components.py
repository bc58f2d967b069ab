"""spaCy components of the cptscan pipeline, each registered with ``@Language.factory``.

The order is: sentences -> targets -> sections -> context -> assertion. The medspaCy components (TargetMatcher,
Sectionizer, ConText) are used as they are, configured from the package's JSON rule files; the small components
here do what medspaCy leaves open: fast line-aware sentence splitting (PyRuSH is slow and merges bulleted lists)
and one final assertion per mention that combines ConText, the section and the date of service.
Every factory takes JSON-able settings and the knowledge (rules of the enabled code packs) as a registered
function in its config (``cptscan.knowledge.v1``), so the pipeline is built from spaCy config, saved and
loaded with ``to_disk``/``from_disk``, and pickles for ``nlp.pipe(n_process=...)``.
"""


import re
from bisect import bisect_right
from typing import Any, Iterable, Optional

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..knowledge import DEFAULT_KNOWLEDGE, Knowledge
from ..rules import RuleSet
from ..rules.patterns import required_words
from .dates import anchor_dates, sentence_dates
from .extensions import FEATURES, MENTIONS, text_of, token_sentences
from .layout import BLANK_LINES, Layout, blocks_of
from .intervals import SpanIndex, touching_groups
from .medspacy_parts import (ConText, ConTextGraph, ConTextModifier, ConTextRule, Sectionizer, SectionRule,
                             TargetMatcher, TargetRule)
from .windows import RuleMatcher, RuleSentences, SentenceMatcher, TargetSentences, match_in_windows

SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*$")
# "(K. Mensah)", "Dr. Lee", "approx. 40%": a period that ends an initial or a title does not end a sentence
NOT_SENTENCE_END = re.compile(r"^(?:[A-Z]|dr|mr|mrs|ms|st|vs|approx|e\.g|i\.e|no|pt|fig|ref|acc)\.$", re.IGNORECASE)


class LineSentencizer:
    """Sentences end at line breaks and at sentence-final punctuation before a capital or digit.

    Clinical notes are written in lines (headers, bullets, "Impression:" blocks), so a line break is the
    strongest boundary; medspaCy's PyRuSH merges bulleted lists and runs twenty times slower.
    """

    def __call__(self, doc: Doc) -> Doc:
        # flags set in one from_array call: setting token.is_sent_start one by one rescans the doc each time
        flags = numpy.full(len(doc), -1, dtype="int64")
        last = None  # the last token that is not whitespace: runs of spaces (a dictated "period" read back
        # leaves the word's width in blanks) are their own tokens and must not hide the full stop before them
        for i, token in enumerate(doc):
            if i == 0:
                flags[i] = 1
                last = None if token.is_space else token
                continue
            prev = doc[i - 1]
            starts = "\n" in prev.text or "\n" in prev.whitespace_
            if token.is_space and not starts:
                continue
            if not starts and last is not None and SENTENCE_END.search(last.text) and last.i < i - 1 + bool(prev.whitespace_) \
                    and not NOT_SENTENCE_END.match(last.text):
                starts = token.text[:1].isupper() or token.text[:1].isdigit()
            if starts:
                flags[i] = 1
            last = None if token.is_space else token
        if len(doc):
            doc.from_array([SENT_START], flags.astype("uint64").reshape(-1, 1))
        return doc


@Language.factory("cptscan_sentences")
def make_sentences(nlp: Language, name: str) -> LineSentencizer:
    return LineSentencizer()


@Language.factory("cptscan_targets", default_config={"span_group": MENTIONS, "knowledge": DEFAULT_KNOWLEDGE})
def make_targets(nlp: Language, name: str, span_group: str, knowledge: Knowledge) -> TargetMatcher:
    """medspaCy's TargetMatcher with the packs' target rules; results go to a span group (they overlap)."""
    # prune=False: mentions of different labels may overlap ("multispectral images of the thigh burn" is both
    # the service and its input); same-label overlaps and exclusions are resolved in ``mentions_of``.
    matcher = TargetMatcher(nlp, name=name, result_type="group", span_group_name=span_group, prune=False)
    matcher.add([TargetRule.from_dict(rule) for rule in knowledge.rules.matcher_rules])
    matcher._TargetMatcher__matcher = RuleMatcher(matcher._TargetMatcher__matcher)
    return matcher


def section_rules(ruleset: RuleSet) -> list[SectionRule]:
    """One rule per title, written as a line-initial header followed by a colon."""
    rules = []
    for category, spec in ruleset.sections["sections"].items():
        for title in spec["titles"]:
            pattern = [{"LOWER": word} for word in title.split()] + [{"TEXT": {"IN": [":", "-"]}}]
            rules.append(SectionRule(literal=f"{title}:", category=category, pattern=pattern))
    return rules


@Language.factory("cptscan_sections", default_config={"span_group": MENTIONS, "knowledge": DEFAULT_KNOWLEDGE})
def make_sections(nlp: Language, name: str, span_group: str, knowledge: Knowledge) -> Sectionizer:
    """medspaCy's Sectionizer with clinical and radiology headers; section effects are applied later."""
    sectionizer = Sectionizer(
        nlp, name=name, rules=None, require_start_line=True, input_span_type="group",
        span_group_name=span_group, span_attrs=None,
    )
    sectionizer.add(section_rules(knowledge.rules))
    sectionizer._Sectionizer__matcher = RuleMatcher(sectionizer._Sectionizer__matcher)
    return sectionizer


class SentenceConTextGraph(ConTextGraph):
    """medspaCy's ConText graph, with the same scopes and edges, found without comparing every pair.

    medspaCy compares every cue with every other cue (scope limits) and with every target: on a long note,
    where cues and targets grow with its length, that is quadratic (2,240,000 comparisons on 200,000
    characters). A cue's scope never leaves its sentence and scopes only shrink, so two cues whose first
    scopes share no position never limit each other, and a cue modifies only targets meeting its scope:
    each group of touching scopes is compared within itself, in medspaCy's order, and each cue with the
    targets near its scope, in the targets' order, with medspaCy's own tests.
    """

    def update_scopes(self) -> None:
        for group in touching_groups([m.scope_span for m in self.modifiers]):
            for a, i in enumerate(group):
                for j in group[a + 1:]:
                    self.modifiers[i].limit_scope(self.modifiers[j])
                    self.modifiers[j].limit_scope(self.modifiers[i])

    def apply_modifiers(self) -> None:
        targets = list(self.targets)
        index = SpanIndex([(t.start, t.end) for t in targets])
        for modifier in self.modifiers:
            for i in index.meeting(*modifier.scope_span):
                if modifier.modifies(targets[i]):
                    modifier.modify(targets[i])
        self.edges = []
        for modifier in self.modifiers:
            modifier.reduce_targets()
            self.edges.extend((target, modifier) for target in modifier._targets)


class SentenceConText(ConText):
    """medspaCy's ConText (its rules, matcher and results) on a ``SentenceConTextGraph``; cptscan neither
    prunes cues that overlap targets nor maps ConText categories to span attributes, so neither is done."""

    def __call__(self, doc: Doc) -> Doc:
        matcher = self._ConText__matcher
        graph = SentenceConTextGraph(targets=list(doc.spans[self.span_group_name]))
        graph.modifiers = [ConTextModifier(matcher.rule_map[self.nlp.vocab[match_id].text], start, end, doc,
                                           max_scope=self.max_scope) for match_id, start, end in matcher(doc)]
        for modifier in graph.modifiers:
            _scope_in_words(modifier, doc)
        graph.update_scopes()
        graph.apply_modifiers()
        for target, modifier in graph.edges:
            target._.modifiers += (modifier,)
        doc._.context_graph = graph
        return doc


def _scope_in_words(modifier: ConTextModifier, doc: Doc) -> None:
    """A rule's ``max_scope`` counted in words: whitespace tokens inside a scope cut at ``max_scope`` widen it,
    within the cue's sentence. A read-back dictation leaves a blank run where each spoken "period" or "comma"
    stood, a token of its own, and a cue reached a few words fewer than in the same note typed."""
    limit = modifier.rule.max_scope
    if not limit:
        return
    sentence = doc[modifier.modifier_span[0]].sent
    start, end = modifier.modifier_span
    if modifier.direction in ("FORWARD", "BIDIRECTIONAL"):
        modifier._scope_end = end + _reach(doc[end:sentence.end], limit)
    if modifier.direction in ("BACKWARD", "BIDIRECTIONAL"):
        modifier._scope_start = start - _reach(reversed(doc[sentence.start:start]), limit)


def _reach(tokens: Iterable[Token], words: int) -> int:
    """How many of ``tokens``, taken in order, hold ``words`` words (whitespace tokens not counted)."""
    taken = 0
    for token in tokens:
        if words == 0:
            break
        words -= not token.is_space
        taken += 1
    return taken


@Language.factory("cptscan_context", default_config={"span_group": MENTIONS, "use_default_rules": True,
                                                    "knowledge": DEFAULT_KNOWLEDGE})
def make_context(nlp: Language, name: str, span_group: str, use_default_rules: bool, knowledge: Knowledge) -> ConText:
    """medspaCy's ConText: its default NegEx-style rules, general refinements (negation_rules.json) and the
    service-level modifiers (context_rules.json).

    Cues are matched only in sentences that hold a target: a cue's scope never leaves its sentence, so cues
    elsewhere modify nothing; the cues and targets are then compared sentence by sentence
    (``SentenceConText``), not each with each. Labels marked ``"context_alone": false`` (a body site: "no
    chest pain" on every line of a long note) get ConText only in sentences that also hold another target,
    which are the only ones where they count.
    """
    context = SentenceConText(
        nlp, name=name, rules="default" if use_default_rules else None, input_span_type="group",
        span_group_name=span_group, span_attrs=None,
    )
    rules = knowledge.rules
    context.add([ConTextRule.from_dict(rule) for rule in rules.negation["context_rules"] + rules.context["context_rules"]])
    quiet = {name for name, spec in rules.labels.items() if spec.get("context_alone") is False}
    context._ConText__matcher = SentenceMatcher(context._ConText__matcher, TargetSentences(span_group, quiet))
    return context


class DocumentKind:
    """Marks administrative documents (letters, queries, PA requests, portal messages, templates).

    They describe services without documenting one, so the assertion step treats every service mention in
    them as hypothetical. The cues live in context_rules.json (``document_rules``); one cue is not enough,
    since a clinic note can mention an appeal or a PA request in passing.
    """

    def __init__(self, nlp: Language, rules: RuleSet):
        from spacy.matcher import Matcher

        spec = rules.context["document_rules"]
        self.min_weight = spec["min_weight"]
        self.clinical_sections = frozenset(spec["clinical_sections"])
        self.min_clinical_sections = spec["min_clinical_sections"]
        self.min_weight_clinical = spec["min_weight_clinical"]
        self.weight = {cue["literal"]: cue.get("weight", 1) for cue in spec["cues"]}
        self.matcher = Matcher(nlp.vocab)
        for cue in spec["cues"]:
            self.matcher.add(cue["literal"], [cue["pattern"]])
        self.sentences = RuleSentences(nlp.vocab, [required_words(cue["pattern"]) for cue in spec["cues"]])

    def __call__(self, doc: Doc) -> Doc:
        matches = match_in_windows(self.matcher, doc, self.sentences(doc))
        found = sorted({doc.vocab.strings[match_id] for match_id, _, _ in matches})
        weight = sum(self.weight[cue] for cue in found)
        sections = {section.category for section in doc._.sections} & self.clinical_sections
        needed = self.min_weight_clinical if len(sections) >= self.min_clinical_sections else self.min_weight
        doc._.cptscan_admin_cues = tuple(found) if weight >= needed else ()
        doc._.cptscan_document_cues = tuple(found)  # too few may still be a letter: the genre model may decide
        return doc


@Language.factory("cptscan_document_kind", default_config={"knowledge": DEFAULT_KNOWLEDGE})
def make_document_kind(nlp: Language, name: str, knowledge: Knowledge) -> DocumentKind:
    return DocumentKind(nlp, knowledge.rules)


class AssertionResolver:
    """Gives each mention one assertion and the cues behind it.

    Order of evidence: ConText modifiers (by the precedence in context_rules.json), then the section's effect
    (COMPARISON is historical; a PLAN item is hypothetical unless a cue says it was done), then dates written
    next to the mention compared with the note's date of service. Labels that need a current-encounter cue
    (a heart CT "of this session") are historical without one.
    """

    def __init__(self, span_group: str, rules: RuleSet):
        self.span_group = span_group
        self.precedence: list[str] = rules.context["assertion_precedence"]
        self.assertion_of: dict[str, str] = rules.context["assertion_of_category"]
        self.labels = rules.labels
        self.sentence_negators = {name for name, spec in rules.labels.items() if spec.get("negates_sentence")}
        self.current_determiners = set(rules.context["current_determiners"]["words"])
        self.section_effect = {name: spec.get("assertion") for name, spec in rules.sections["sections"].items()}
        self.exam_sections = {name for name, spec in rules.sections["sections"].items() if spec.get("role") == "exam"}
        self.services = set(rules.labels_with_role("service"))
        self.retraction = re.compile(rules.context["retractions"]["regex"], re.IGNORECASE)
        self.retraction_words = rules.context["retractions"]["max_words"]
        self.contrasts = set(rules.context["clause_contrasts"]["words"])
        self.bounded = frozenset(rules.context["clause_bounds"]["categories"])
        self.bounds = frozenset(rules.context["clause_bounds"]["words"])
        self.disclaimer = re.compile(rules.context["disclaimers"]["regex"], re.IGNORECASE)
        self.disclaimed_labels = set(rules.context["disclaimers"]["labels"])
        self.target_words = {name: frozenset(spec["target_words"]) for name, spec in rules.labels.items()
                             if spec.get("target_words")}
        self.paragraph_targets = _paragraph_targets(rules.context.get("context_rules", []))
        self.copied = re.compile(rules.context["copied_forward"]["regex"], re.IGNORECASE)
        self.whole_note = re.compile(rules.context["whole_note_withdrawals"]["regex"], re.IGNORECASE)

    def __call__(self, doc: Doc) -> Doc:
        if self.span_group not in doc.spans:
            return doc
        title_end = _title_end(text_of(doc))
        sentence_of = token_sentences(doc)
        spans = list(doc.spans[self.span_group])
        negated_sentences = {sentence_of[m.start]: m.text for m in spans if m.label_ in self.sentence_negators}
        # a note that takes back a service it names ("the plaque analysis above was issued in error") documents
        # none of that service, wherever else the note describes it
        withdrawn = {m.label_: negated_sentences[sentence_of[m.start]] for m in spans
                     if m.label_ in self.services and sentence_of[m.start] in negated_sentences}
        # "This report was entered in error": the note takes back all it documents
        whole = next((cue for (start, end), cue in negated_sentences.items()
                      if self.whole_note.search(doc[start:end].text)), None)
        if whole is not None:
            withdrawn = dict.fromkeys(self.services, whole)
        retracted = self._retracted_sentences(doc, spans, sentence_of)
        layout = doc._.cptscan_layout
        for span in spans:
            section = doc[span.start]._.section
            category = section.category if section is not None else None
            if category is None and span.start_char < title_end:
                category = "title"
            if category is None and layout is not None and layout.input_field_at(span.start_char):
                category = INPUT_FIELD
            span._.cptscan_section = category
            start, end = sentence_of[span.start]
            sentence = doc[start:max(span.end, end)]
            span._.cptscan_assertion, span._.cptscan_cues = self.resolve(
                span, category, doc._.cptscan_dos, sentence, negated_sentences.get(sentence_of[span.start]), layout)
            if span.label_ in self.services and span._.cptscan_assertion == "affirmed" and sentence_of[span.start] in retracted:
                span._.cptscan_assertion = "negated"
                span._.cptscan_cues += (("RETRACTION", retracted[sentence_of[span.start]]),)
            elif span.label_ in withdrawn and span._.cptscan_assertion == "affirmed":
                span._.cptscan_assertion = "negated"
                span._.cptscan_cues += (("WITHDRAWN", withdrawn[span.label_]),)
        self._share_clause_assertion(doc, spans, sentence_of)
        starts = [start for start, _ in blocks_of(text_of(doc))]  # where each paragraph begins
        self._other_target_paragraphs(doc, spans, starts)
        self._copied_paragraphs(doc, spans, starts)
        self._outputs_follow_their_event(doc, spans)
        self._date_the_title(spans)
        return doc

    def _other_target_paragraphs(self, doc: Doc, spans: list[Span], starts: list[int]) -> None:
        """A service whose paragraph names another target and none of its own is done on that other target.

        "Diabetic foot ulcer, left heel. Multispectral imaging classified the wound bed." names the wound in
        another sentence than the imaging, out of ConText's reach. The OTHER_TARGET rules marked ``paragraph``
        in their metadata (nouns that name the target, not adjectives) are looked for in the whole paragraph
        of an affirmed service mention; its label's target_words anywhere in the paragraph keep the service.
        A paragraph that names neither leaves it to the note: a carotid CTA report's "PlaqueIQ, right ICA
        lesion: ..." is of the carotid the report names, when the report names no coronary artery anywhere.
        """
        candidates = [s for s in spans if s._.cptscan_assertion == "affirmed" and s.label_ in self.paragraph_targets]
        if not candidates:
            return
        note_words = frozenset(t.lower_ for t in doc)
        words_of: dict[int, frozenset[str]] = {}
        for span in candidates:
            at = bisect_right(starts, span.start_char) - 1
            if at not in words_of:
                end = starts[at + 1] if at + 1 < len(starts) else len(text_of(doc))
                paragraph = doc.char_span(starts[at], end, alignment_mode="expand")
                words_of[at] = frozenset(t.lower_ for t in paragraph) if paragraph is not None else frozenset()
            words = words_of[at]
            own = self.target_words.get(span.label_, frozenset())
            other = words & self.paragraph_targets[span.label_]
            if not other and not words & own:
                words = note_words
                other = words & self.paragraph_targets[span.label_]
            if other and not words & own:
                span._.cptscan_assertion = self.assertion_of[OTHER_TARGET]
                span._.cptscan_cues += ((OTHER_TARGET, min(other)),)

    def _copied_paragraphs(self, doc: Doc, spans: list[Span], starts: list[int]) -> None:
        """A paragraph that says it was copied forward from an earlier note ("Cardiology note (copied from
        03/02 note)") is that note's text: what it affirms happened then, the reading included."""
        copied = {bisect_right(starts, m.start()) - 1: m.group(0) for m in self.copied.finditer(text_of(doc))}
        for span in spans if copied else ():
            mark = copied.get(bisect_right(starts, span.start_char) - 1)
            if mark is not None and span._.cptscan_assertion == "affirmed":
                span._.cptscan_assertion = self.assertion_of["HISTORICAL"]
                span._.cptscan_cues += (("COPIED", mark),)

    def _outputs_follow_their_event(self, doc: Doc, spans: list[Span]) -> None:
        """A result printed after a service's mention belongs to that event and shares its time.

        "Cleerly analysis of his March CCTA showed ...\nNoncalcified plaque volume 120 mm3." - the volume on the
        next line is the earlier analysis' output, not today's. An output mention (its rule's metadata says
        ``output``) with no cue of its own, or only cues its service's mention sees too (a sentence's "today"
        beside a "reviewed again" only the head is in reach of), takes the non-affirmed assertion of the
        mention of its service just before it, within one section and one paragraph.
        """
        text = text_of(doc)
        previous: dict[str, Span] = {}
        for span in sorted(spans, key=lambda s: s.start):
            if span.label_ not in self.services:
                continue
            head = previous.get(span.label_)
            previous[span.label_] = span
            if (head is None or not _is_output(span) or not set(span._.cptscan_cues) <= set(head._.cptscan_cues)
                    or span._.cptscan_assertion != "affirmed" or head._.cptscan_assertion == "affirmed"
                    or head._.cptscan_section != span._.cptscan_section
                    or BLANK_LINES.search(text, head.end_char, span.start_char)):
                continue
            span._.cptscan_assertion = head._.cptscan_assertion
            span._.cptscan_cues = head._.cptscan_cues + (("EVENT", head.text),)  # why the head is not today's

    def _date_the_title(self, spans: list[Span]) -> None:
        """A title that names a study the body dates earlier names that earlier study.

        A post-processing report titled "CARDIAC CT" whose body says the CT was acquired on an earlier date
        (a dated, historical mention of the same label) and nowhere else affirms one acquired now documents no
        CT of this session. Only labels that need a current-encounter cue are concerned.
        """
        for label in {s.label_ for s in spans if self.labels.get(s.label_, {}).get("needs_current_cue")}:
            same = [s for s in spans if s.label_ == label]
            titles = [s for s in same if s._.cptscan_section == "title" and s._.cptscan_assertion == "affirmed"]
            dated = [s for s in same if s._.cptscan_assertion == "historical"
                     and any(c == "DATE" for c, _ in s._.cptscan_cues)]
            others = [s for s in same if s not in titles and s._.cptscan_assertion == "affirmed"]
            if titles and dated and not others:
                for span in titles:
                    span._.cptscan_assertion = "historical"
                    span._.cptscan_cues += (("DATE", f"the body dates it: {dated[0].text}"),)

    def _retracted_sentences(self, doc: Doc, spans: list[Span], sentence_of: list) -> dict[tuple[int, int], str]:
        """Sentences whose services the next sentence takes back ("... could be run later. Not performed
        today."): the next one holds no service of its own and only says that it was not done."""
        with_service = {sentence_of[s.start] for s in spans if s.label_ in self.services}
        out = {}
        for window in with_service:
            following = window[1]
            if following >= len(doc) or sentence_of[following] in with_service:
                continue
            nxt = doc[following:sentence_of[following][1]]
            if len(nxt) <= self.retraction_words and self.retraction.match(nxt.text.strip()):
                out[window] = nxt.text.strip()
        return out

    def _share_clause_assertion(self, doc: Doc, spans: list[Span], sentence_of: list) -> None:
        """Mentions of one service in one clause describe one event, so they share its assertion.

        "a software plaque quantification (Cleerly, say, or HeartFlow) is recommended": a cue reaches the
        mentions inside its scope, not every name of the same service before it; "his brother had an AI plaque
        analysis (he thinks it was Cleerly)": the relative's test is one test. An affirmed mention takes
        the assertion a cue gave another mention of its service in the same sentence, unless a contrast
        ("but", "however", ";") separates them or a cue of its own says it was done.
        """
        by_clause: dict[tuple, list[Span]] = {}
        for span in spans:
            if span.label_ in self.services:
                by_clause.setdefault((sentence_of[span.start], span.label_), []).append(span)
        for group in by_clause.values():
            cued = [s for s in group if s._.cptscan_assertion in ("negated", "hypothetical", "family")
                    and any(c in self.assertion_of for c, _ in s._.cptscan_cues)]
            if not cued:
                continue
            for span in group:
                if span._.cptscan_assertion != "affirmed" or any(c == "PERFORMED" for c, _ in span._.cptscan_cues):
                    continue
                source = min(cued, key=lambda s: abs(s.start - span.start))
                if any(t.lower_ in self.contrasts for t in _between(doc, (span.start, span.end), (source.start, source.end))):
                    continue
                span._.cptscan_assertion = source._.cptscan_assertion
                span._.cptscan_cues += (("CLAUSE", source.text),)

    def _bounded(self, doc: Doc, cue: ConTextModifier, span: Span) -> bool:
        """Whether a cue of a ``clause_bounds`` category meets the mention across a clause bound, unless its
        rule says it refers across one ("result pending" after the service's own clause)."""
        if cue.category not in self.bounded or (cue.rule.metadata or {}).get("crosses_clause"):
            return False
        return any(t.lower_ in self.bounds for t in _between(doc, cue.modifier_span, (span.start, span.end)))

    def _names_its_target(self, span: Span, sentence: Span) -> bool:
        """Whether the sentence names the service's own target (coronary, a burn): the pack's target_words."""
        words = self.target_words.get(span.label_)
        return words is not None and any(token.lower_ in words for token in sentence)

    def resolve(self, span: Span, section: Optional[str], dos: Optional[str], sentence: Span,
                withdrawal: Optional[str], layout: Optional[Layout] = None) -> tuple[str, tuple]:
        spec: dict[str, Any] = self.labels.get(span.label_, {})
        field = layout.field_at(span.start_char) if layout is not None else None
        if field is not None:  # a form field's answer decides its line, whatever cues its box labels hold
            return field[0], (("FORM", field[1]),)
        ignored = set(spec.get("ignore_categories", ()))
        doc = span.doc
        # a cue inside the mention itself ("benefits check: not covered") does not modify it, nor does a cue in
        # a parenthetical aside the mention is outside of ("the stored CCTA (no new CT today) was analysed")
        cues = tuple((m.category, doc[m.modifier_span[0]:m.modifier_span[1]].text) for m in span._.modifiers
                     if not (span.start <= m.modifier_span[0] and m.modifier_span[1] <= span.end)
                     and not _aside_without(sentence, m.modifier_span, span)
                     and not self._bounded(doc, m, span))
        categories = {c for c, _ in cues} - ignored
        if OTHER_TARGET in categories and self._names_its_target(span, sentence):
            categories.discard(OTHER_TARGET)  # "carotid and coronary plaque analysis": the coronary one counts
        if span.start > 0 and doc[span.start - 1].lower_ in self.current_determiners:
            cues += (("CURRENT_ENCOUNTER", doc[span.start - 1].text),)
            categories.add("CURRENT_ENCOUNTER")
        for category in self.precedence:
            if category in categories:
                return self.assertion_of[category], cues
        if span.label_ in self.disclaimed_labels:
            disclaimer = self.disclaimer.search(sentence.text)
            if disclaimer is not None:  # the vendor's reminder that a physician must read it is not the reading
                return "negated", cues + (("DISCLAIMER", disclaimer.group(0)),)
        if spec.get("anchor") and withdrawal is not None:
            return "negated", cues + (("WITHDRAWN", withdrawal),)
        if doc._.cptscan_admin_cues and spec.get("anchor"):
            return "hypothetical", cues + (("DOCUMENT", "administrative: " + ", ".join(doc._.cptscan_admin_cues)),)
        block = layout.foreign_block_at(span.start_char) if layout is not None else None
        if block is not None:  # written for the patient, not a record of this encounter
            return "hypothetical", cues + (("DOCUMENT", block),)
        effect = self.section_effect.get(section or "")
        if effect in spec.get("ignore_section_effects", ()):
            effect = None
        if effect == "historical" or effect == "family" or effect == "hypothetical":
            return effect, cues + (("SECTION", section),)
        if effect == "hypothetical_unless_performed" and not categories & {"PERFORMED", "CURRENT_ENCOUNTER"}:
            return "hypothetical", cues + (("SECTION", section),)
        if spec.get("temporal") and dos:
            relation, date_text = anchor_dates(span, dos)
            if relation == "earlier":
                return "historical", cues + (("DATE", date_text),)
            if relation == "later":
                return "hypothetical", cues + (("DATE", date_text),)
            if relation == "same":
                return "affirmed", cues + (("DATE", date_text),)
            if "CURRENT_ENCOUNTER" not in categories:
                relation, date_text = sentence_dates(sentence.text, dos)
                if relation == "earlier":
                    return "historical", cues + (("DATE", date_text),)
        if spec.get("needs_current_cue"):
            if "CURRENT_ENCOUNTER" in categories or section in self.exam_sections or section == "title":
                return "affirmed", cues
            return "historical", cues + (("NO_CURRENT_CUE", ""),)
        return "affirmed", cues


def _between(doc: Doc, a: tuple[int, int], b: tuple[int, int]) -> Span:
    """The tokens between two token ranges, whichever comes first."""
    lo, hi = sorted((a[1], b[0])) if a[0] < b[0] else sorted((b[1], a[0]))
    return doc[lo:hi]


def _paragraph_targets(rules: list[dict[str, Any]]) -> dict[str, frozenset[str]]:
    """Per service label, the words of the OTHER_TARGET rules marked ``paragraph`` (one-token LOWER patterns)."""
    out: dict[str, set[str]] = {}
    for rule in rules:
        if rule.get("category") != OTHER_TARGET or not (rule.get("metadata") or {}).get("paragraph"):
            continue
        pattern = rule.get("pattern")
        lower = pattern[0].get("LOWER") if isinstance(pattern, list) and len(pattern) == 1 else None
        words = lower.get("IN") if isinstance(lower, dict) else [lower] if isinstance(lower, str) else None
        if not words:
            raise ValueError(f"OTHER_TARGET rule {rule.get('literal')!r} marked paragraph needs a one-token LOWER pattern")
        for label in rule.get("allowed_types", ()):
            out.setdefault(label, set()).update(w.lower() for w in words)
    return {label: frozenset(words) for label, words in out.items()}


def _is_output(span: Span) -> bool:
    """Whether the rule that found ``span`` reads a result of the service (a volume, a score) rather than its name."""
    rule = span._.target_rule if Span.has_extension("target_rule") else None
    return bool(getattr(rule, "metadata", None) and rule.metadata.get("output"))


class Finalizer:
    """Keeps what the mentions need as plain values and drops medspaCy's objects from the Doc.

    TargetRule objects, ConText modifiers and the ConText graph, and Section objects on every token cannot
    be serialised, so a Doc carrying them cannot come back from ``nlp.pipe(n_process=...)`` workers.
    Each span keeps its rule id, assertion, cues and section category as plain values.
    """

    DROP = {"target_rule", "modifiers", "context_graph", "sections", "section", "section_category",
            "section_title", "section_span", "section_body", "section_parent", "section_rule", "cptscan_layout",
            FEATURES}

    def __call__(self, doc: Doc) -> Doc:
        for span in doc.spans.get(MENTIONS, []):
            rule = span._.target_rule if Span.has_extension("target_rule") else None
            if rule is not None and span._.cptscan_rule is None:
                span._.cptscan_rule = (rule.metadata or {}).get("id", rule.literal)
        for key in [k for k in doc.user_data if isinstance(k, tuple) and len(k) > 1 and k[1] in self.DROP]:
            del doc.user_data[key]
        return doc


@Language.factory("cptscan_finalize")
def make_finalize(nlp: Language, name: str) -> Finalizer:
    return Finalizer()


#: the ConText category of a cue naming another target (carotid plaque, a pressure ulcer imaged with the burn
#: device): the pack's context rules give it, the label's target_words can take it back
OTHER_TARGET = "OTHER_TARGET"
#: the section given to a mention on a field line that names the analysed data set ("Scan type: coronary CTA")
INPUT_FIELD = "input_field"
TITLE_LINES = 2
TITLE_MAX_CHARS = 90


def _aside_without(sentence: Span, cue: tuple[int, int], span: Span) -> bool:
    """Whether the cue sits in parentheses of its sentence that do not also hold the mention."""
    doc = sentence.doc
    opened = next((i for i in range(cue[0] - 1, sentence.start - 1, -1) if doc[i].text in "()"), None)
    if opened is None or doc[opened].text != "(":
        return False
    closed = next((i for i in range(cue[1], sentence.end) if doc[i].text in "()"), None)
    if closed is None or doc[closed].text != ")":
        return False
    return not (opened < span.start and span.end <= closed)


def _title_end(text: str) -> int:
    """End offset of the note's title: its first short non-empty lines ("CORONARY CT ANGIOGRAPHY")."""
    end, seen = 0, 0
    for line in text.splitlines(keepends=True):
        if seen == TITLE_LINES or len(line.strip()) > TITLE_MAX_CHARS:
            break
        end += len(line)
        seen += bool(line.strip())
    return end


@Language.factory("cptscan_assertion", default_config={"span_group": MENTIONS, "knowledge": DEFAULT_KNOWLEDGE})
def make_assertion(nlp: Language, name: str, span_group: str, knowledge: Knowledge) -> AssertionResolver:
    return AssertionResolver(span_group, knowledge.rules)
