"""Runs rule matchers on the sentences where a rule can match instead of on the whole note.

spaCy's Matcher walks every pattern over every token, so its cost is tokens x patterns: on a 3 KB note
with a service the target and ConText matchers were more than half of the scan, nearly all of it spent
on sentences that hold no rule word or no target. A match never leaves its sentence here: ConText's scope
is the sentence, and a test checks that no anchor rule can cross a sentence end. So each matcher gets a
*selector* that names the sentences worth matching, and runs on those alone:

* ``RuleSentences``: sentences holding one required word of every required slot of some pattern (the words
  come from ``rules/patterns.py``, as the gate's do, so a new rule widens the selection by itself);
* ``TargetSentences``: sentences holding a target mention, for ConText's cues.

The target, section-header and administrative-document rules use the first, ConText the second.

``SentenceMatcher`` puts a selector in front of medspaCy's ``MedspacyMatcher`` (the matcher inside
TargetMatcher and ConText) and returns what it would return, with document offsets.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy
from medspacy.common.util import prune_overlapping_matches
from spacy.attrs import LOWER
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..rules.patterns import RequirementIndex, required_words
from .extensions import Window, sentence_windows

Selector = Callable[[Doc], list[Window]]


def merge(windows: Iterable[Window]) -> list[Window]:
    """Adjacent or overlapping windows as one (fewer, longer matcher calls give the same matches)."""
    merged: list[list[int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


class RuleSentences:
    """Selects the sentences in which at least one of ``patterns`` can match, and names those patterns
    (looked up through ``RequirementIndex``; a pattern with no required word is tried in every sentence)."""

    def __init__(self, vocab: Vocab, patterns: Iterable[list[dict[str, Any]]]):
        self.index = RequirementIndex([required_words(pattern) for pattern in patterns])
        self.words = numpy.array(sorted(vocab.strings.add(w) for w in self.index.vocabulary), dtype="uint64")

    def candidates(self, doc: Doc) -> list[tuple[Window, list[int]]]:
        """Each sentence where some pattern can match, with the indices of those patterns (in order)."""
        lower = doc.to_array(LOWER)
        hits = numpy.flatnonzero(numpy.isin(lower, self.words)).tolist() if len(self.words) else []
        selected, at = [], 0
        for window in sentence_windows(doc):
            present = set()
            while at < len(hits) and hits[at] < window[1]:
                present.add(doc.vocab.strings[int(lower[hits[at]])])
                at += 1
            indices = self.index.satisfied(present)
            if indices:
                selected.append((window, indices))
        return selected

    def __call__(self, doc: Doc) -> list[Window]:
        return merge(window for window, _ in self.candidates(doc))


class TargetSentences:
    """Selects the sentences holding a span of ``span_group`` whose label is not in ``quiet_labels``."""

    def __init__(self, span_group: str, quiet_labels: Iterable[str] = ()):
        self.span_group = span_group
        self.quiet_labels = frozenset(quiet_labels)

    def __call__(self, doc: Doc) -> list[Window]:
        starts = [span.start for span in doc.spans.get(self.span_group, []) if span.label_ not in self.quiet_labels]
        if not starts:
            return []
        sentences = sentence_windows(doc)
        first_tokens = [start for start, _ in sentences]
        wanted = {sentences[int(numpy.searchsorted(first_tokens, s, side="right")) - 1] for s in starts}
        return merge(wanted)


def match_in_windows(matcher: Callable[[Any], list], doc: Doc, windows: list[Window]) -> list[tuple[int, int, int]]:
    """A spaCy ``Matcher`` run on each window, with match offsets in the document."""
    matches = []
    for start, end in windows:
        matches.extend((key, start + s, start + e) for key, s, e in matcher(doc[start:end]))
    return matches


class _WindowedMedspacyMatcher:
    """Stands in for medspaCy's ``MedspacyMatcher`` inside TargetMatcher or ConText, which call it and read
    its rule_map and labels (delegated); it returns what the wrapped matcher would, with document offsets."""

    def __init__(self, matcher: Any):
        self.matcher = matcher

    def __getattr__(self, name: str) -> Any:
        if name == "matcher":  # not set yet while unpickling: no delegation loop
            raise AttributeError(name)
        return getattr(self.matcher, name)

    def _finish(self, doc: Doc, matches: list[tuple[int, int, int]], windows: list[Window]) -> list[tuple[int, int, int]]:
        """Adds phrase and regex rules' matches inside ``windows``; prunes overlaps if the wrapped matcher does."""
        phrase_matcher = self.matcher._MedspacyMatcher__phrase_matcher
        for start, end in windows:  # spaCy's PhraseMatcher, unlike its Matcher, gives document offsets for a Span
            matches.extend(phrase_matcher(doc[start:end]))
        matches.extend(m for m in self.matcher._MedspacyMatcher__regex_matcher(doc) if _inside(m, windows))
        return prune_overlapping_matches(matches) if self.matcher._prune else matches


class SentenceMatcher(_WindowedMedspacyMatcher):
    """The wrapped matcher, all rules, run only on the windows ``selector`` returns (ConText's cues)."""

    def __init__(self, matcher: Any, selector: Selector):
        super().__init__(matcher)
        self.selector = selector

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        windows = self.selector(doc)
        return self._finish(doc, match_in_windows(self.matcher._MedspacyMatcher__matcher, doc, windows), windows)


class RuleMatcher(_WindowedMedspacyMatcher):
    """The wrapped matcher with one spaCy Matcher per token-pattern rule, each run only on the sentences
    holding its required words (the target rules: a sentence with a rule word is a candidate for a few rules,
    not for all of them). Rules added to the wrapped matcher later are indexed on the next call."""

    def __init__(self, matcher: Any):
        super().__init__(matcher)
        self._index()

    def _index(self) -> None:
        vocab = self.matcher.nlp.vocab
        rules = [rule for rule in self.matcher.rule_map.values() if isinstance(rule.pattern, list)]
        self.rule_matchers = []
        for rule in rules:
            rule_matcher = Matcher(vocab)
            rule_matcher.add(rule._rule_id, [rule.pattern], on_match=rule.on_match)
            self.rule_matchers.append(rule_matcher)
        self.sentences = RuleSentences(vocab, [rule.pattern for rule in rules])
        self.indexed = len(self.matcher.rule_map)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if self.indexed != len(self.matcher.rule_map):
            self._index()
        matches: list[tuple[int, int, int]] = []
        candidates = self.sentences.candidates(doc)
        for (start, end), indices in candidates:
            window = doc[start:end]
            for i in indices:
                matches.extend((key, start + s, start + e) for key, s, e in self.rule_matchers[i](window))
        matches.sort(key=lambda m: (m[1], m[2]))
        return self._finish(doc, matches, merge(window for window, _ in candidates))


def _inside(match: tuple[int, int, int], windows: list[Window]) -> bool:
    return any(start <= match[1] and match[2] <= end for start, end in windows)
